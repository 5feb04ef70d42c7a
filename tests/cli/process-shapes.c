/*
 * The shapes of process the tools must open, for tests/cli/processes.bats:
 *
 *	process-shapes threads      a second thread; prints "PID TID"
 *	process-shapes exit-main    the main thread exits, a second one runs
 *	                            on with 4 MiB of its own; prints "PID"
 *	process-shapes undumpable   prctl(PR_SET_DUMPABLE, 0); prints "PID"
 *
 * Each prints its line once it is in that shape, then sleeps until killed.
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <unistd.h>

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t ready = PTHREAD_COND_INITIALIZER;
static pid_t thread_id;
/* Kept where the compiler cannot drop the writes to it. */
char *volatile kept;

static void *second_thread(void *data)
{
	char *memory = malloc(4 << 20);

	(void)data;
	if (memory)
		memset(memory, 1, 4 << 20);
	kept = memory;
	pthread_mutex_lock(&lock);
	thread_id = gettid();
	pthread_cond_signal(&ready);
	pthread_mutex_unlock(&lock);
	for (;;)
		pause();
	return NULL;
}

int main(int argc, char **argv)
{
	pthread_t thread;

	if (argc != 2)
		return 2;
	if (strcmp(argv[1], "undumpable") == 0) {
		if (prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) < 0)
			return 1;
		printf("%d\n", (int)getpid());
		fflush(stdout);
		for (;;)
			pause();
	}
	if (pthread_create(&thread, NULL, second_thread, NULL) != 0)
		return 1;
	pthread_mutex_lock(&lock);
	while (thread_id == 0)
		pthread_cond_wait(&ready, &lock);
	pthread_mutex_unlock(&lock);
	if (strcmp(argv[1], "threads") == 0) {
		printf("%d %d\n", (int)getpid(), (int)thread_id);
		fflush(stdout);
		for (;;)
			pause();
	}
	if (strcmp(argv[1], "exit-main") != 0)
		return 2;
	printf("%d\n", (int)getpid());
	fflush(stdout);
	pthread_exit(NULL);
}
