/*
 * Opening a process for a tool: pinned, checked, and one message for each
 * thing that can stand in the way, the same in every tool:
 *
 *	no process with PID 42
 *	42 is a thread ID: using its process 40 (server)
 *	process 42 (kworker/0:1) is a kernel thread: it has no user memory
 *	process 42 (db) belongs to uid 1001: moving it needs CAP_SYS_PTRACE
 *	process 42 (db) exited before the move
 */
#ifndef NUMAMIG_COMMON_PIN_H
#define NUMAMIG_COMMON_PIN_H

#include <stdbool.h>
#include <sys/types.h>

#include "numamig.h"

/* What the tool does with the process: the words of its messages. */
enum pin_purpose {
	PIN_TO_MOVE,		/* "moving it", "exited before the move" */
	PIN_TO_READ,		/* "reading its placement", "exited during the read" */
	PIN_TO_WATCH,		/* as reading; "exited during the watch" */
};

struct pin_request {
	const char *sysroot;
	enum pin_purpose purpose;
	/* One of a selection (--name, --user, --cgroup, -A): a process gone
	 * since the listing and a kernel thread are skipped without a word;
	 * with a selector, so is one it no longer matches (a PID reused
	 * between the listing and the pinning). */
	bool selected;
	const struct numamig_selector *selector;
	/* Refuse, before anything is read, what the kernel would refuse to
	 * move (numamig_process_access); readers let the kernel answer. */
	bool check_access;
};

/*
 * Opens and pins the process. 0 with *process set; 1 when a selected
 * process is skipped; or a negative errno once the message is printed.
 */
int pin_process(const struct pin_request *request, pid_t pid, struct numamig_process **process);

/*
 * The words for a library call on a pinned process that failed with
 * status: "process P (CMD) exited before/during ..." when it has exited
 * (when is "before" or "during"), the access refusal for -EACCES and
 * -EPERM, or the library's message (what when it gave none). Returns
 * status (-ESRCH for an exit).
 */
int pin_explain(const struct numamig_process *process, enum pin_purpose purpose,
		const char *when, int status, const struct numamig_error *error, const char *what);

/* Says why the caller may not act on the process, if so: returns -EPERM
 * after the message, else 0. */
int pin_check_access(const struct numamig_process *process, enum pin_purpose purpose);

#endif
