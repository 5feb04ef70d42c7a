/* Opening a process for a tool, and the words for what stands in the way. */
#include "config.h"

#include <errno.h>
#include <unistd.h>

#include "messages.h"
#include "pin.h"

static const char *doing(enum pin_purpose purpose)
{
	return purpose == PIN_TO_MOVE ? "moving it" : "reading its placement";
}

static const char *work(enum pin_purpose purpose)
{
	switch (purpose) {
	case PIN_TO_MOVE:
		return "the move";
	case PIN_TO_WATCH:
		return "the watch";
	default:
		return "the read";
	}
}

int pin_check_access(const struct numamig_process *process, enum pin_purpose purpose)
{
	int pid = (int)numamig_process_pid(process);
	const char *command = numamig_process_command(process);

	switch (numamig_process_access(process)) {
	case NUMAMIG_ACCESS_ALLOWED:
		return 0;
	case NUMAMIG_ACCESS_OTHER_USER:
		if (numamig_process_uid(process) != getuid())
			message_warn("process %d (%s) belongs to uid %u: %s needs CAP_SYS_PTRACE", pid,
				     command, (unsigned int)numamig_process_uid(process),
				     doing(purpose));
		else
			message_warn("process %d (%s) runs with other user or group IDs than ours "
				     "(a set-ID program): %s needs CAP_SYS_PTRACE",
				     pid, command, doing(purpose));
		break;
	case NUMAMIG_ACCESS_NOT_DUMPABLE:
		message_warn("process %d (%s) is not dumpable (a set-ID program, or "
			     "prctl PR_SET_DUMPABLE): %s needs CAP_SYS_PTRACE",
			     pid, command, doing(purpose));
		break;
	case NUMAMIG_ACCESS_USER_NAMESPACE:
		message_warn("process %d (%s) is outside this user namespace: %s needs "
			     "CAP_SYS_PTRACE in a namespace that holds it",
			     pid, command, doing(purpose));
		break;
	}
	return -EPERM;
}

int pin_explain(const struct numamig_process *process, enum pin_purpose purpose,
		const char *when, int status, const struct numamig_error *error, const char *what)
{
	if (status == 0)
		return 0;
	/* A process that exits makes the kernel answer ESRCH, or EINVAL (a
	 * zombie has no memory): the pidfd tells which it was. */
	if (status == -ESRCH || numamig_process_check_alive(process) < 0) {
		message_warn("process %d (%s) exited %s %s", (int)numamig_process_pid(process),
			     numamig_process_command(process), when, work(purpose));
		return -ESRCH;
	}
	if ((status == -EACCES || status == -EPERM) && pin_check_access(process, purpose) < 0)
		return status;
	message_warn_library(error, status, "%s", what);
	return status;
}

int pin_process(const struct pin_request *request, pid_t pid, struct numamig_process **process)
{
	struct numamig_error error = { 0 };
	int status = numamig_process_open(request->sysroot, pid, process, &error);
	bool selected = request->selected || request->selector;

	if (status == -ESRCH) {
		if (selected)
			return 1;
		message_warn("no process with PID %d", (int)pid);
		return status;
	}
	if (status < 0) {
		message_warn_library(&error, status, "cannot open process %d", (int)pid);
		return status;
	}
	if (selected && (numamig_process_is_kernel_thread(*process) ||
			 (request->selector && numamig_selector_matches(request->selector, *process) != 1))) {
		status = 1;
		goto refused;
	}
	if (numamig_process_is_kernel_thread(*process)) {
		message_warn("process %d (%s) is a kernel thread: it has no user memory", (int)pid,
			     numamig_process_command(*process));
		status = -EINVAL;
		goto refused;
	}
	if (numamig_process_thread(*process))
		message_verbose(0, "%d is a thread ID: using its process %d (%s)", (int)pid,
				(int)numamig_process_pid(*process), numamig_process_command(*process));
	if (request->check_access && pin_check_access(*process, request->purpose) < 0) {
		status = -EPERM;
		goto refused;
	}
	return 0;

refused:
	numamig_process_free(*process);
	*process = NULL;
	return status;
}
