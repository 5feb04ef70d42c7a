/*
 * move_pages(2) as a bare system call. libnuma's wrapper is the same
 * call, but a library linked with libnuma makes every start of every
 * tool run libnuma's constructor (it reads /proc/self/status and each
 * node's meminfo and probes set_mempolicy): about a third of a tool's
 * start-up in the test guest, for one function. The unit tests put a
 * fake of the kernel in this function's place.
 */
#include "config.h"

#include <sys/syscall.h>
#include <unistd.h>

#include "engine.h"

long engine_move_pages(pid_t pid, unsigned long count, void **pages, const int *nodes, int *status,
		       int flags)
{
	return syscall(SYS_move_pages, pid, count, pages, nodes, status, flags);
}
