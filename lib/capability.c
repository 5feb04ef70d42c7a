/*
 * Capabilities of the calling thread, without libcap: one capget(2), and
 * whether they are the initial user namespace's. move_pages(2) and
 * migrate_pages(2) ask capable(CAP_SYS_NICE), which only a capability
 * there satisfies: in a user namespace (a rootless container, `unshare
 * --user --map-root-user`) capget reports every capability, and the
 * kernel refuses MPOL_MF_MOVE_ALL with EPERM all the same.
 */
#include "config.h"

#include <linux/capability.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "capability.h"
#include "numamig.h"

/* The inode number the kernel gives the initial user namespace
 * (PROC_USER_INIT_INO, include/linux/proc_ns.h), fixed since 3.8. */
#define INITIAL_USER_NAMESPACE_INODE 0xEFFFFFFDU

static bool in_initial_user_namespace(void)
{
	struct stat namespace;

	/* Without /proc nothing tells: the capability is taken at its word. */
	if (stat("/proc/self/ns/user", &namespace) < 0)
		return true;
	return namespace.st_ino == INITIAL_USER_NAMESPACE_INODE;
}

bool capability_effective(int capability)
{
	struct __user_cap_header_struct header = { _LINUX_CAPABILITY_VERSION_3, 0 };
	struct __user_cap_data_struct data[_LINUX_CAPABILITY_U32S_3] = { { 0 } };

	if (capability < 0 || capability >= 32 * _LINUX_CAPABILITY_U32S_3)
		return false;
	if (syscall(SYS_capget, &header, data) < 0)
		return false;
	return (data[capability / 32].effective >> (capability % 32)) & 1;
}

bool numamig_has_capability(int capability)
{
	return capability_effective(capability) && in_initial_user_namespace();
}
