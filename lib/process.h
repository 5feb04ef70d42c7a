/* Internal: what the readers and movers need of a pinned process. */
#ifndef NUMAMIG_PROCESS_H
#define NUMAMIG_PROCESS_H

#include <stdbool.h>
#include <sys/types.h>

#include "numamig.h"

/* The sysroot the process was opened under ("/" for the live machine). */
const char *process_sysroot(const struct numamig_process *process);

/*
 * numamig_process_check_alive, and the ID to read proc files and make
 * system calls through: the PID, or while the main thread is a zombie and
 * others run, one of those (the kernel finds the memory through a task
 * that has it). 0, or -ESRCH once the process is gone.
 */
int process_acting_thread(const struct numamig_process *process, pid_t *acting);

/* Whether thread is one of the process's. */
bool process_has_thread(const struct numamig_process *process, pid_t thread);

/* Fills error with "process PID (COMMAND) exited"; returns -ESRCH. */
int process_exited(const struct numamig_process *process, struct numamig_error *error);

#endif
