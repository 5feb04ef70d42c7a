/* Process handles (lib/process.c): on a fixture sysroot and live. */
#include "config.h"

#include <errno.h>
#include <signal.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "numamig.h"
#include "read.h"
#include "tap.h"

static const char *format(const struct numamig_nodes *nodes)
{
	static char text[256];

	numamig_nodes_format(nodes, text, sizeof(text));
	return text;
}

static void test_fixture(void)
{
	const char *sysroot = fixture("sysroot/processes");
	struct numamig_process *process;
	struct numamig_error error = { 0 };

	if (is_int(numamig_process_open(sysroot, 7001, &process, &error), 0, "fixture 7001 opens")) {
		is_int(numamig_process_pid(process), 7001, "7001: pid");
		is_string(numamig_process_command(process), "my (odd) prog) x",
			  "7001: command with spaces and ')' ends at the last ')'");
		is_int(numamig_process_uid(process), 1001, "7001: real uid");
		ok(!numamig_process_is_kernel_thread(process), "7001: not a kernel thread");
		is_string(format(numamig_process_allowed_nodes(process)), "0-1", "7001: Mems_allowed");
		is_int(numamig_process_pidfd(process), -1, "7001: no pidfd under a sysroot");
		is_int(numamig_process_check_alive(process), 0, "7001: alive while proc/7001 is");
		numamig_process_free(process);
	} else
		diag("%s", error.message);
	if (is_int(numamig_process_open(sysroot, 7002, &process, &error), 0, "fixture 7002 opens")) {
		ok(numamig_process_is_kernel_thread(process), "7002: PF_KTHREAD is a kernel thread");
		is_string(numamig_process_command(process), "kworker/u8:0-events", "7002: command");
		is_int(numamig_process_uid(process), 0, "7002: uid 0");
		numamig_process_free(process);
	}
	if (is_int(numamig_process_open(sysroot, 7003, &process, &error), 0, "fixture 7003 opens")) {
		is_string(format(numamig_process_allowed_nodes(process)), "0-1",
			  "7003: without Mems_allowed_list every online node is allowed");
		numamig_process_free(process);
	}
	is_int(numamig_process_open(sysroot, 7005, &process, &error), -EINVAL,
	       "7005: a stat without parentheses is refused");
	ok(strstr(error.message, "cannot parse '") &&
	   strstr(error.message, "/proc/7005/stat': no command and flags"),
	   "7005: message %s", error.message);
	ok(process == NULL, "7005: no handle");
	is_int(numamig_process_open(sysroot, 99999, &process, &error), -ESRCH,
	       "99999: no such process");
	is_string(error.message, "process 99999 does not exist", "99999: message");
	is_int(numamig_process_open(sysroot, 0, &process, &error), -EINVAL, "pid 0 is refused");
	is_string(error.message, "invalid process id 0", "pid 0: message");
	is_int(numamig_process_open(sysroot, -4, &process, &error), -EINVAL, "pid -4 is refused");
	numamig_process_free(NULL);
}

static char *own_command(void)
{
	char *command = read_fixture("/proc/self/comm", NULL);

	if (command)
		command[strcspn(command, "\n")] = '\0';
	return command;
}

/* A PID no process has now: counted down from the top. */
static pid_t unused_pid(void)
{
	for (pid_t pid = 4194303; pid > 1; pid--)
		if (kill(pid, 0) < 0 && errno == ESRCH)
			return pid;
	return -1;
}

static void test_live(void)
{
	struct numamig_process *process;
	struct numamig_error error = { 0 };
	char *command = own_command();
	pid_t pid = unused_pid();
	char *kthreadd;

	if (is_int(numamig_process_open(NULL, getpid(), &process, &error), 0, "live: self opens")) {
		is_string(numamig_process_command(process), command, "live: command is our comm");
		is_int(numamig_process_uid(process), getuid(), "live: uid is ours");
		if (numamig_process_pidfd(process) >= 0)
			ok(true, "live: pinned by a pidfd");
		else
			ok(syscall(SYS_pidfd_open, getpid(), 0) < 0 && errno == ENOSYS,
			   "live: no pidfd only where pidfd_open(2) is missing (ENOSYS, as under valgrind)");
		ok(!numamig_process_is_kernel_thread(process), "live: not a kernel thread");
		ok(!numamig_nodes_empty(numamig_process_allowed_nodes(process)),
		   "live: some node allowed (%s)", format(numamig_process_allowed_nodes(process)));
		is_int(numamig_process_check_alive(process), 0, "live: alive");
		numamig_process_free(process);
	} else
		diag("%s", error.message);
	free(command);

	is_int(numamig_process_open("/", pid, &process, &error), -ESRCH, "live: unused pid %d",
	       (int)pid);
	ok(strstr(error.message, "does not exist") != NULL, "live: %s", error.message);

	kthreadd = read_fixture("/proc/2/comm", NULL);
	if (kthreadd && strcmp(kthreadd, "kthreadd\n") == 0) {
		if (is_int(numamig_process_open(NULL, 2, &process, &error), 0, "live: PID 2 opens")) {
			ok(numamig_process_is_kernel_thread(process), "live: kthreadd is a kernel thread");
			numamig_process_free(process);
		}
	} else
		printf("ok %d - # SKIP PID 2 is not kthreadd here\n", ++tap_number);
	free(kthreadd);
}

/* The pidfd notices the process it holds go away: exited (a zombie, no
 * memory left), then reaped. */
static void test_exit(void)
{
	struct numamig_process *process;
	struct numamig_error error = { 0 };
	siginfo_t exited;
	pid_t child = fork();

	if (child == 0) {
		pause();
		_exit(0);
	}
	if (!is_int(numamig_process_open(NULL, child, &process, &error), 0, "child opens")) {
		kill(child, SIGKILL);
		waitpid(child, NULL, 0);
		return;
	}
	is_int(numamig_process_check_alive(process), 0, "child alive");
	kill(child, SIGKILL);
	/* WNOWAIT: wait until it has exited, and leave it a zombie */
	if (waitid(P_PID, (id_t)child, &exited, WEXITED | WNOWAIT) == 0)
		is_int(numamig_process_check_alive(process), -ESRCH, "zombie child: -ESRCH");
	waitpid(child, NULL, 0);
	is_int(numamig_process_check_alive(process), -ESRCH, "reaped child: -ESRCH");
	numamig_process_free(process);
}

static void rewrite(const char *path, const char *text)
{
	FILE *file = fopen(path, "w");

	if (file) {
		fputs(text, file);
		fclose(file);
	}
}

/* Without a pidfd, a process is known by its start time: a new one with
 * its PID (here: its stat rewritten) is not it. */
static void test_start_time(void)
{
	char directory[] = "/tmp/numamig-test-XXXXXX";
	char path[256], command[512];
	struct numamig_process *process;
	struct numamig_error error = { 0 };

	if (!mkdtemp(directory))
		return;
	snprintf(command, sizeof(command), "mkdir -p %s/proc && cp -r %s/proc/7001 %s/proc/",
		 directory, fixture("sysroot/processes"), directory);
	if (!ok(system(command) == 0, "a copy of fixture 7001"))
		return;
	if (is_int(numamig_process_open(directory, 7001, &process, &error), 0, "the copy opens")) {
		is_int(numamig_process_check_alive(process), 0, "same start time: alive");
		snprintf(path, sizeof(path), "%s/proc/7001/stat", directory);
		rewrite(path, "7001 (my (odd) prog) x) Z 1 7001 7001 0 -1 4194304 0 0 0 0 0 0 0 0 "
			      "20 0 1 0 144031 0 0\n");
		is_int(numamig_process_check_alive(process), -ESRCH,
		       "same start time, a zombie: exited, -ESRCH");
		/* flags 4194308: PF_EXITING (4) */
		rewrite(path, "7001 (my (odd) prog) x) R 1 7001 7001 0 -1 4194308 0 0 0 0 0 0 0 0 "
			      "20 0 1 0 144031 0 0\n");
		is_int(numamig_process_check_alive(process), -ESRCH,
		       "same start time, PF_EXITING: exiting, -ESRCH");
		rewrite(path, "7001 (other) S 1 7001 7001 0 -1 4194304 0 0 0 0 0 0 0 0 20 0 1 0 "
			      "999999 0 0\n");
		is_int(numamig_process_check_alive(process), -ESRCH,
		       "a later start time is another process: -ESRCH");
		snprintf(path, sizeof(path), "%s/proc/7001", directory);
		snprintf(command, sizeof(command), "rm -rf %s", path);
		if (system(command) == 0)
			is_int(numamig_process_check_alive(process), -ESRCH, "gone: -ESRCH");
		numamig_process_free(process);
	}
	snprintf(command, sizeof(command), "rm -rf %s", directory);
	if (system(command) != 0)
		diag("could not remove %s", directory);
}

/* Another user's numa_maps: the kernel's ptrace check says no. */
static void test_permission(void)
{
	int channel[2];
	pid_t child;
	struct numamig_error error = { 0 };
	int result = 0;

	if (getuid() != 0) {
		printf("ok %d - # SKIP needs root to become another user\n", ++tap_number);
		printf("ok %d - # SKIP needs root to become another user\n", ++tap_number);
		return;
	}
	if (pipe(channel) < 0)
		return;
	child = fork();
	if (child == 0) {
		struct numamig_memory_map *map;

		close(channel[0]);
		if (setgid(65534) == 0 && setuid(65534) == 0)
			result = read_map(NULL, 1, &map, &error);
		else
			numamig_error_set(&error, -EPERM, "setuid failed");
		error.code = result;
		if (write(channel[1], &error, sizeof(error)) != sizeof(error))
			_exit(1);
		_exit(0);
	}
	close(channel[1]);
	if (read(channel[0], &error, sizeof(error)) != sizeof(error))
		error.code = 1;
	close(channel[0]);
	waitpid(child, NULL, 0);
	is_int(error.code, -EACCES, "another user's numa_maps is -EACCES");
	is_string(error.message, "cannot read '/proc/1/numa_maps': permission denied",
		  "EACCES message");
}

int main(void)
{
	test_fixture();
	test_live();
	test_exit();
	test_start_time();
	test_permission();
	return tap_done();
}
