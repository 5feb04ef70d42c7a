/*
 * A process pinned by a pidfd: its command, real uid, whether it is a
 * kernel thread, and the nodes its cpuset allows.
 *
 * The pidfd is taken before the /proc files are read and the process is
 * checked to be alive after: a PID is only reused once its process has
 * been reaped, so while the pidfd's process still lives, the files read
 * in between were its own. Where pidfd_open(2) is missing (kernels before
 * 5.3, valgrind 3.19, seccomp filters) and under a sysroot, the process is
 * told apart by its start time instead, as procps does: a new process
 * with the same PID starts later.
 */
#include "config.h"

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "numamig.h"
#include "sysroot.h"
#include "text.h"

/* include/linux/sched.h: "getting shut down", "I am a kernel thread" */
#define PF_EXITING 0x00000004UL
#define PF_KTHREAD 0x00200000UL

struct numamig_process {
	char *sysroot;
	pid_t pid;
	int pidfd;
	char *command;
	uid_t uid;
	bool kernel_thread;
	unsigned long long start_time;	/* clock ticks after boot */
	struct numamig_nodes allowed;
};

static int no_such_process(pid_t pid, struct numamig_error *error)
{
	return numamig_error_set(error, -ESRCH, "process %d does not exist", (int)pid);
}

/* A file of proc/PID; a vanished directory means the process is gone. */
static int read_proc_file(const struct numamig_process *process, const char *name, char **text,
			  struct numamig_error *error)
{
	int result = sysroot_read(process->sysroot, text, NULL, error, "proc/%d/%s",
				  (int)process->pid, name);

	if (result == -ENOENT || result == -ESRCH)
		return no_such_process(process->pid, error);
	return result;
}

/* "cannot parse 'PATH': WHAT" for a proc/PID file the kernel would not write. */
static int bad_file(const struct numamig_process *process, const char *name, const char *what,
		    struct numamig_error *error)
{
	char path[4096];

	sysroot_path(path, sizeof(path), process->sysroot, "proc/%d/%s", (int)process->pid, name);
	return numamig_error_set(error, -EINVAL, "cannot parse '%s': %s", path, what);
}

/*
 * "PID (COMM) STATE PPID PGRP SESSION TTY TPGID FLAGS MINFLT CMINFLT
 * MAJFLT CMAJFLT UTIME STIME CUTIME CSTIME PRIORITY NICE THREADS
 * ITREALVALUE STARTTIME ...": COMM may hold spaces and parentheses, so it
 * ends at the last ')'.
 */
static int parse_stat(const char *text, char **command, char *state, unsigned long *flags,
		      unsigned long long *start_time)
{
	const char *open = strchr(text, '(');
	const char *close = strrchr(text, ')');

	*start_time = 0;
	if (!open || !close || close < open ||
	    sscanf(close + 1,
		   " %c %*d %*d %*d %*d %*d %lu %*u %*u %*u %*u %*u %*u %*d %*d %*d %*d %*d %*d %llu",
		   state, flags, start_time) < 2)
		return -EINVAL;
	if (command) {
		*command = strndup(open + 1, (size_t)(close - open - 1));
		if (!*command)
			return -ENOMEM;
	}
	return 0;
}

static int read_stat(struct numamig_process *process, struct numamig_error *error)
{
	unsigned long flags;
	char *text, state;
	int result = read_proc_file(process, "stat", &text, error);

	if (result < 0)
		return result;
	result = parse_stat(text, &process->command, &state, &flags, &process->start_time);
	free(text);
	if (result == -ENOMEM)
		return numamig_error_set(error, -ENOMEM, "out of memory");
	if (result < 0)
		return bad_file(process, "stat", "no command and flags", error);
	process->kernel_thread = (flags & PF_KTHREAD) != 0;
	return 0;
}

/* Without cpusets the kernel prints no Mems_allowed_list: every online node is allowed. */
static int read_online_nodes(const struct numamig_process *process, struct numamig_nodes *nodes)
{
	char *text;

	numamig_nodes_clear(nodes);
	if (sysroot_read(process->sysroot, &text, NULL, NULL, "sys/devices/system/node/online") < 0) {
		numamig_nodes_add(nodes, 0);
		return 0;
	}
	if (numamig_nodes_parse_kernel_list(text, nodes) < 0) {
		numamig_nodes_clear(nodes);
		numamig_nodes_add(nodes, 0);
	}
	free(text);
	return 0;
}

static int parse_status(struct numamig_process *process, const char *text,
			struct numamig_error *error)
{
	const char *value;
	size_t length;
	uint64_t uid;

	value = text_find_field(text, "Uid", &length);
	if (!value || !text_parse_u64(value, strcspn(value, " \t\n"), &uid))
		return bad_file(process, "status", "no Uid", error);
	process->uid = (uid_t)uid;
	value = text_find_field(text, "Mems_allowed_list", &length);
	if (!value)
		return read_online_nodes(process, &process->allowed);
	if (numamig_nodes_parse_kernel_list(value, &process->allowed) < 0)
		return bad_file(process, "status", "bad Mems_allowed_list", error);
	return 0;
}

static int read_process(struct numamig_process *process, struct numamig_error *error)
{
	char *text;
	int result = read_stat(process, error);

	if (result < 0)
		return result;
	result = read_proc_file(process, "status", &text, error);
	if (result < 0)
		return result;
	result = parse_status(process, text, error);
	free(text);
	return result;
}

static int pin(struct numamig_process *process, struct numamig_error *error)
{
	char reason[128];

	process->pidfd = (int)syscall(SYS_pidfd_open, process->pid, 0);
	if (process->pidfd >= 0)
		return 0;
	/* pidfd_open has no EPERM of its own: that is a seccomp filter */
	if (errno == ENOSYS || errno == EPERM)
		return 0;
	if (errno == ESRCH)
		return no_such_process(process->pid, error);
	return numamig_error_set(error, -errno, "cannot pin process %d: %s", (int)process->pid,
				 sysroot_reason(-errno, reason, sizeof(reason)));
}

int numamig_process_open(const char *sysroot, pid_t pid, struct numamig_process **process,
			 struct numamig_error *error)
{
	struct numamig_process *opened;
	int result;

	*process = NULL;
	if (pid <= 0)
		return numamig_error_set(error, -EINVAL, "invalid process id %d", (int)pid);
	opened = calloc(1, sizeof(*opened));
	if (!opened)
		return numamig_error_set(error, -ENOMEM, "out of memory");
	opened->pid = pid;
	opened->pidfd = -1;
	opened->sysroot = strdup(sysroot_is_live(sysroot) ? "/" : sysroot);
	if (!opened->sysroot)
		result = numamig_error_set(error, -ENOMEM, "out of memory");
	else if (sysroot_is_live(sysroot))
		result = pin(opened, error);
	else
		result = 0;
	if (result == 0)
		result = read_process(opened, error);
	if (result == 0 && numamig_process_check_alive(opened) < 0)
		result = numamig_error_set(error, -ESRCH, "process %d exited", (int)pid);
	if (result < 0) {
		numamig_process_free(opened);
		return result;
	}
	*process = opened;
	return 0;
}

void numamig_process_free(struct numamig_process *process)
{
	if (!process)
		return;
	if (process->pidfd >= 0)
		close(process->pidfd);
	free(process->command);
	free(process->sysroot);
	free(process);
}

pid_t numamig_process_pid(const struct numamig_process *process)
{
	return process->pid;
}

const char *numamig_process_command(const struct numamig_process *process)
{
	return process->command;
}

uid_t numamig_process_uid(const struct numamig_process *process)
{
	return process->uid;
}

bool numamig_process_is_kernel_thread(const struct numamig_process *process)
{
	return process->kernel_thread;
}

const struct numamig_nodes *numamig_process_allowed_nodes(const struct numamig_process *process)
{
	return &process->allowed;
}

int numamig_process_pidfd(const struct numamig_process *process)
{
	return process->pidfd;
}

/*
 * A process on its way out counts as exited: once it has let go of its
 * memory the kernel answers EINVAL for it, not ESRCH, and a zombie has
 * none left. In do_exit() PF_EXITING is set first, then the memory goes,
 * then the process is a zombie and its pidfd turns readable (a signal
 * would still reach a zombie). The stat file is read before the pidfd is
 * asked: if the pidfd's process still lives after, the file was its own.
 */
int numamig_process_check_alive(const struct numamig_process *process)
{
	struct pollfd exited = { .fd = process->pidfd, .events = POLLIN };
	unsigned long long start_time;
	unsigned long flags;
	bool exiting = false;
	char *text, state;

	if (read_proc_file(process, "stat", &text, NULL) == 0) {
		exiting = parse_stat(text, NULL, &state, &flags, &start_time) < 0 ||
			  (flags & PF_EXITING) || state == 'Z' || state == 'X' ||
			  (process->pidfd < 0 && start_time != process->start_time);
		free(text);
	} else if (process->pidfd < 0) {
		return -ESRCH;
	}
	if (process->pidfd >= 0) {
		if (poll(&exited, 1, 0) < 0)
			exited.revents = 0;
		/* Signal 0 only checks: EPERM (another user's process) means it lives. */
		if (exited.revents ||
		    (syscall(SYS_pidfd_send_signal, process->pidfd, 0, NULL, 0) < 0 && errno == ESRCH))
			return -ESRCH;
	}
	return exiting ? -ESRCH : 0;
}
