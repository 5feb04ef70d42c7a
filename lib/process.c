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
 *
 * A process is its thread group. A thread ID names its group (as numactl's
 * migratepages takes it); a group whose main thread has exited lives on in
 * its other threads, through which it is read and moved (doc/kernel.md,
 * "Processes and threads").
 */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "capability.h"
#include "numamig.h"
#include "process.h"
#include "sysroot.h"
#include "text.h"

/* include/linux/sched.h: "getting shut down", "I am a kernel thread" */
#define PF_EXITING 0x00000004UL
#define PF_KTHREAD 0x00200000UL
/* include/uapi/linux/capability.h */
#define CAPABILITY_SYS_PTRACE 19

/* The order of the Uid: and Gid: lines of proc/PID/status. */
enum { REAL, EFFECTIVE, SAVED, FILESYSTEM, ID_KINDS };

struct numamig_process {
	char *sysroot;
	pid_t pid;
	pid_t thread;			/* the thread ID it was opened by; 0: by its PID */
	pid_t group;			/* status' Tgid: pid, unless a thread was named */
	int pidfd;
	char *command;
	uid_t uids[ID_KINDS];
	gid_t gids[ID_KINDS];
	uid_t owner;			/* of proc/PID: root when not dumpable */
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

/* "Uid:	1000	1000	1000	1000": real, effective, saved, filesystem. */
static bool parse_ids(const char *text, const char *key, unsigned int ids[ID_KINDS])
{
	size_t length;
	const char *value = text_find_field(text, key, &length);
	uint64_t id;

	for (int kind = 0; value && kind < ID_KINDS; kind++) {
		size_t digits = strcspn(value, " \t\n");

		if (digits == 0 || !text_parse_u64(value, digits, &id) || id > UINT32_MAX)
			return kind > 0;	/* a fixture may give the real ID alone */
		ids[kind] = (unsigned int)id;
		if (kind == 0)
			for (int rest = 1; rest < ID_KINDS; rest++)
				ids[rest] = ids[0];
		value += digits;
		value += strspn(value, " \t");
	}
	return value != NULL;
}

static int parse_status(struct numamig_process *process, const char *text,
			struct numamig_error *error)
{
	const char *value;
	size_t length;
	uint64_t group;

	if (!parse_ids(text, "Uid", process->uids))
		return bad_file(process, "status", "no Uid", error);
	parse_ids(text, "Gid", process->gids);
	process->owner = process->uids[EFFECTIVE];
	value = text_find_field(text, "Tgid", &length);
	process->group = process->pid;
	if (value && text_parse_u64(value, strcspn(value, " \t\n"), &group) && group > 0 &&
	    group <= INT32_MAX)
		process->group = (pid_t)group;
	value = text_find_field(text, "Mems_allowed_list", &length);
	if (!value)
		return read_online_nodes(process, &process->allowed);
	if (numamig_nodes_parse_kernel_list(value, &process->allowed) < 0)
		return bad_file(process, "status", "bad Mems_allowed_list", error);
	return 0;
}

static int read_status(struct numamig_process *process, struct numamig_error *error)
{
	char *text;
	int result = read_proc_file(process, "status", &text, error);

	if (result < 0)
		return result;
	result = parse_status(process, text, error);
	free(text);
	return result;
}

/* The kernel gives the files of proc/PID (not the directory) to root when
 * the process is not dumpable (task_dump_owner): their owner is then not
 * its effective uid. */
static void read_owner(struct numamig_process *process)
{
	char path[4096];
	struct stat file;

	if (sysroot_path(path, sizeof(path), process->sysroot, "proc/%d/stat", (int)process->pid) == 0 &&
	    stat(path, &file) == 0)
		process->owner = file.st_uid;
}

static int read_process(struct numamig_process *process, struct numamig_error *error)
{
	int result = read_stat(process, error);

	if (result == 0)
		result = read_status(process, error);
	if (result == 0 && sysroot_is_live(process->sysroot))
		read_owner(process);
	return result;
}

/* pidfd_open(2) without PIDFD_THREAD takes a thread group's leader only. */
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
	/* EINVAL for a thread before 6.9, ENOENT since (PIDFD_THREAD) */
	if ((errno == EINVAL || errno == ENOENT) && read_status(process, NULL) == 0 &&
	    process->group != process->pid)
		return 1;
	return numamig_error_set(error, -errno, "cannot pin process %d: %s", (int)process->pid,
				 sysroot_reason(-errno, reason, sizeof(reason)));
}

/* Pins and reads the process; 1 when pid is a thread of another group
 * (process->group), which is then to be opened instead. */
static int open_group(struct numamig_process *process, struct numamig_error *error)
{
	int result = sysroot_is_live(process->sysroot) ? pin(process, error) : 0;

	if (result == 0)
		result = read_process(process, error);
	if (result == 0 && process->group != process->pid)
		return 1;
	return result;
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
	else
		result = open_group(opened, error);
	if (result == 1) {
		/* A thread ID: its group, where the thread must still be. */
		opened->thread = pid;
		opened->pid = opened->group;
		free(opened->command);
		opened->command = NULL;
		if (opened->pidfd >= 0)
			close(opened->pidfd);
		opened->pidfd = -1;
		result = open_group(opened, error);
		if (result == 1 || (result == 0 && !process_has_thread(opened, pid)))
			result = no_such_process(pid, error);
	}
	if (result == 0 && numamig_process_check_alive(opened) < 0)
		result = numamig_error_set(error, -ESRCH, "process %d exited", (int)opened->pid);
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
	return process->uids[REAL];
}

pid_t numamig_process_thread(const struct numamig_process *process)
{
	return process->thread;
}

const char *process_sysroot(const struct numamig_process *process)
{
	return process->sysroot;
}

/*
 * The kernel's rule for migrate_pages(2) and move_pages(2), and for
 * reading numa_maps: ptrace_may_access() in PTRACE_MODE_READ_REALCREDS
 * (doc/kernel.md, "Who may move a process").
 */
enum numamig_access numamig_process_access(const struct numamig_process *process)
{
	uid_t uid = getuid();
	gid_t gid = getgid();
	bool same_ids = true;
	char path[64];
	struct stat namespace;

	if (!sysroot_is_live(process->sysroot) || numamig_has_capability(CAPABILITY_SYS_PTRACE))
		return NUMAMIG_ACCESS_ALLOWED;
	for (int kind = REAL; kind <= SAVED; kind++)
		same_ids = same_ids && process->uids[kind] == uid && process->gids[kind] == gid;
	if (same_ids && process->owner == process->uids[EFFECTIVE])
		return NUMAMIG_ACCESS_ALLOWED;
	/* A capability of a user namespace counts for the processes in it:
	 * the namespace link of one that is ours to inspect can be read. */
	if (capability_effective(CAPABILITY_SYS_PTRACE)) {
		snprintf(path, sizeof(path), "/proc/%d/ns/user", (int)process->pid);
		if (stat(path, &namespace) == 0)
			return NUMAMIG_ACCESS_ALLOWED;
		return NUMAMIG_ACCESS_USER_NAMESPACE;
	}
	return same_ids ? NUMAMIG_ACCESS_NOT_DUMPABLE : NUMAMIG_ACCESS_OTHER_USER;
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

/* proc/PID/stat says the task is going or gone; false when it cannot be read. */
static bool task_exiting(const struct numamig_process *process, const char *relative,
			 bool *readable, unsigned long long *start_time)
{
	unsigned long flags;
	char *text, state;
	bool exiting;

	*readable = sysroot_read(process->sysroot, &text, NULL, NULL, "%s/stat", relative) == 0;
	if (!*readable)
		return true;
	exiting = parse_stat(text, NULL, &state, &flags, start_time) < 0 ||
		  (flags & PF_EXITING) || state == 'Z' || state == 'X';
	free(text);
	return exiting;
}

bool process_has_thread(const struct numamig_process *process, pid_t thread)
{
	char path[4096];

	return sysroot_path(path, sizeof(path), process->sysroot, "proc/%d/task/%d",
			    (int)process->pid, (int)thread) == 0 &&
	       access(path, F_OK) == 0;
}

/* A thread of the group other than its exited leader, or 0. */
static pid_t live_thread(const struct numamig_process *process)
{
	char path[4096], relative[64];
	unsigned long long start_time;
	struct dirent *entry;
	pid_t found = 0;
	bool readable;
	DIR *listing;

	if (sysroot_path(path, sizeof(path), process->sysroot, "proc/%d/task", (int)process->pid) < 0)
		return 0;
	listing = opendir(path);
	while (listing && found == 0 && (entry = readdir(listing))) {
		long thread = strtol(entry->d_name, NULL, 10);

		if (thread <= 0 || thread == process->pid)
			continue;
		snprintf(relative, sizeof(relative), "proc/%d/task/%ld", (int)process->pid, thread);
		if (!task_exiting(process, relative, &readable, &start_time))
			found = (pid_t)thread;
	}
	if (listing)
		closedir(listing);
	return found;
}

/*
 * A process on its way out counts as exited: once it has let go of its
 * memory the kernel answers EINVAL for it, not ESRCH, and a zombie has
 * none left. In do_exit() PF_EXITING is set first, then the memory goes,
 * then the process is a zombie and its pidfd turns readable (a signal
 * would still reach a zombie). The stat file is read before the pidfd is
 * asked: if the pidfd's process still lives after, the file was its own.
 * A main thread that is a zombie while other threads run is not an exit:
 * the group acts through one of those (*acting).
 */
int process_acting_thread(const struct numamig_process *process, pid_t *acting)
{
	struct pollfd exited = { .fd = process->pidfd, .events = POLLIN };
	unsigned long long start_time = process->start_time;
	char relative[64];
	bool readable, exiting;

	*acting = process->pid;
	snprintf(relative, sizeof(relative), "proc/%d", (int)process->pid);
	exiting = task_exiting(process, relative, &readable, &start_time);
	if (!readable && process->pidfd < 0)
		return -ESRCH;
	if (process->pidfd < 0 && start_time != process->start_time)
		return -ESRCH;
	if (process->pidfd >= 0) {
		if (poll(&exited, 1, 0) < 0)
			exited.revents = 0;
		/* Signal 0 only checks: EPERM (another user's process) means it lives. */
		if (exited.revents ||
		    (syscall(SYS_pidfd_send_signal, process->pidfd, 0, NULL, 0) < 0 && errno == ESRCH))
			return -ESRCH;
	}
	if (!exiting)
		return 0;
	*acting = readable ? live_thread(process) : 0;
	return *acting ? 0 : -ESRCH;
}

int numamig_process_check_alive(const struct numamig_process *process)
{
	pid_t acting;

	return process_acting_thread(process, &acting);
}

int process_exited(const struct numamig_process *process, struct numamig_error *error)
{
	return numamig_error_set(error, -ESRCH, "process %d (%s) exited", (int)process->pid,
				 process->command);
}
