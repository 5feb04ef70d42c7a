/*
 * measure: runs a command once and prints how long it took, the most
 * memory it used and the processor time it took, as
 * "SECONDS MAXRSS_KIB CPU_SECONDS".
 *
 *   measure COMMAND [ARGUMENT...]
 *
 * The command's standard output goes to /dev/null (what is timed is the
 * work, not the terminal); its standard error is kept. The exit status is
 * the command's, or 1 when it could not be run. The clock is started just
 * before fork and read just after wait4, so the figure is the command's
 * wall time as a shell user would feel it, start-up included; the peak
 * resident set comes from the kernel's accounting of the child alone
 * (wait4's rusage), not of this program. So does the processor time
 * (user and system): on a machine shared with other work the wall time
 * measures the scheduler as much as the command, the processor time
 * does not.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static double seconds_now(void)
{
	struct timespec time;

	clock_gettime(CLOCK_MONOTONIC, &time);
	return time.tv_sec + time.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
	struct rusage usage;
	double start, elapsed;
	int status;
	pid_t child;

	if (argc < 2) {
		fputs("usage: measure COMMAND [ARGUMENT...]\n", stderr);
		return 1;
	}
	start = seconds_now();
	child = fork();
	if (child < 0) {
		perror("measure: cannot fork");
		return 1;
	}
	if (child == 0) {
		int null = open("/dev/null", O_WRONLY);

		if (null >= 0)
			dup2(null, STDOUT_FILENO);
		execvp(argv[1], argv + 1);
		fprintf(stderr, "measure: cannot run '%s': %s\n", argv[1], strerror(errno));
		_exit(127);
	}
	if (wait4(child, &status, 0, &usage) < 0) {
		perror("measure: cannot wait");
		return 1;
	}
	elapsed = seconds_now() - start;
	printf("%.6f %ld %.6f\n", elapsed, usage.ru_maxrss,
	       usage.ru_utime.tv_sec + usage.ru_utime.tv_usec / 1e6 +
	       usage.ru_stime.tv_sec + usage.ru_stime.tv_usec / 1e6);
	if (WIFEXITED(status))
		return WEXITSTATUS(status);
	return 1;
}
