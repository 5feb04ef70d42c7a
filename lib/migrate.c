/*
 * Whole-process migration by the kernel: migrate_pages(2), with the checks
 * it makes done beforehand so that a refusal can say what is wrong, and
 * the cases it lets through quietly (a target outside a cpuset) refused.
 */
#include "config.h"

#include <errno.h>
#include <linux/capability.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "numamig.h"
#include "process.h"
#include "sysroot.h"
#include "text.h"

/* The caller's own Mems_allowed; under a sysroot without proc/self, the
 * nodes with memory (a captured machine has no caller). */
static void caller_allowed_nodes(const struct numamig_topology *topology,
				 struct numamig_nodes *allowed)
{
	const char *sysroot = numamig_topology_sysroot(topology);
	const char *field;
	size_t length;
	char *status;

	*allowed = *numamig_topology_with_memory(topology);
	if (sysroot_read(sysroot, &status, NULL, NULL, "proc/self/status") < 0)
		return;
	field = text_find_field(status, "Mems_allowed_list", &length);
	if (field) {
		char list[4096];

		snprintf(list, sizeof(list), "%.*s", (int)length, field);
		if (numamig_nodes_parse_kernel_list(list, allowed) < 0)
			*allowed = *numamig_topology_with_memory(topology);
	}
	free(status);
}

static int check_nodes_have_memory(const struct numamig_topology *topology,
				   const struct numamig_nodes *to, struct numamig_error *error)
{
	const struct numamig_nodes *with_memory = numamig_topology_with_memory(topology);

	for (int node = numamig_nodes_next(to, -1); node >= 0; node = numamig_nodes_next(to, node))
		if (!numamig_nodes_has(with_memory, node))
			return numamig_error_set(error, -EINVAL, "node %d has no memory", node);
	return 0;
}

static int check_within(const struct numamig_nodes *to, const struct numamig_nodes *allowed,
			const char *whose, struct numamig_error *error)
{
	struct numamig_nodes outside;
	char outside_text[256], allowed_text[256];

	numamig_nodes_minus(&outside, to, allowed);
	if (numamig_nodes_empty(&outside))
		return 0;
	numamig_nodes_format(&outside, outside_text, sizeof(outside_text));
	numamig_nodes_format(allowed, allowed_text, sizeof(allowed_text));
	return numamig_error_set(error, -EPERM, "%s %s %s outside the cpuset of %s (mems: %s)",
				 numamig_nodes_count(&outside) > 1 ? "nodes" : "node", outside_text,
				 numamig_nodes_count(&outside) > 1 ? "are" : "is", whose,
				 allowed_text);
}

int numamig_targets_check(const struct numamig_topology *topology,
			  const struct numamig_process *process, const struct numamig_nodes *to,
			  struct numamig_error *error)
{
	char whose[300];
	int result;

	if (numamig_nodes_empty(to))
		return numamig_error_set(error, -EINVAL, "no node to move to");
	result = check_nodes_have_memory(topology, to, error);
	if (result < 0)
		return result;
	snprintf(whose, sizeof(whose), "process %d (%s)", (int)numamig_process_pid(process),
		 numamig_process_command(process));
	return check_within(to, numamig_process_allowed_nodes(process), whose, error);
}

int numamig_migrate_check(const struct numamig_topology *topology,
			  const struct numamig_process *process, const struct numamig_nodes *to,
			  struct numamig_error *error)
{
	pid_t pid = numamig_process_pid(process);
	const char *command = numamig_process_command(process);
	struct numamig_nodes caller_allowed;
	int result;

	if (numamig_process_is_kernel_thread(process))
		return numamig_error_set(error, -EINVAL,
					 "process %d (%s) is a kernel thread: it has no user memory",
					 (int)pid, command);
	if (numamig_process_access(process) != NUMAMIG_ACCESS_ALLOWED)
		return numamig_error_set(error, -EPERM,
					 "process %d (%s) is not ours to move (the kernel's ptrace "
					 "read check): that needs CAP_SYS_PTRACE",
					 (int)pid, command);
	result = numamig_targets_check(topology, process, to, error);
	if (result < 0)
		return result;
	caller_allowed_nodes(topology, &caller_allowed);
	return check_within(to, &caller_allowed, "the calling process", error);
}

static int explain_failure(const struct numamig_process *process, const struct numamig_nodes *to,
			   int code, struct numamig_error *error)
{
	pid_t pid = numamig_process_pid(process);
	const char *command = numamig_process_command(process);
	char nodes[256];

	numamig_nodes_format(to, nodes, sizeof(nodes));
	switch (code) {
	case -ESRCH:
		return numamig_error_set(error, code, "process %d (%s) exited", (int)pid, command);
	case -EPERM:
		return numamig_error_set(error, code,
					 "not permitted to move process %d (%s) to nodes %s", (int)pid,
					 command, nodes);
	case -EINVAL:
		return numamig_error_set(error, code,
					 "the kernel refused to move process %d (%s) to nodes %s",
					 (int)pid, command, nodes);
	default: {
		char reason[128];

		return numamig_error_set(error, code, "cannot move process %d (%s): %s", (int)pid,
					 command, sysroot_reason(code, reason, sizeof(reason)));
	}
	}
}

/* Whether some node of 'from' sends its pages elsewhere ("0 0" does not). */
static bool anything_to_move(const struct numamig_nodes *from, const struct numamig_nodes *to)
{
	for (int node = numamig_nodes_next(from, -1); node >= 0; node = numamig_nodes_next(from, node))
		if (numamig_nodes_map_target(from, to, node) >= 0)
			return true;
	return false;
}

int numamig_migrate_process(const struct numamig_process *process,
			    const struct numamig_nodes *from, const struct numamig_nodes *to,
			    long *failed, struct numamig_error *error)
{
	/* The kernel reads maxnode - 1 bits: one more than the masks hold. */
	unsigned long maxnode = NUMAMIG_MAX_NODES + 1;
	pid_t acting;
	long result;

	*failed = 0;
	if (!anything_to_move(from, to))
		return 0;
	/* migrate_pages(2) takes a PID, not a pidfd: make sure the PID still
	 * names the pinned process right before handing it over (or the
	 * thread that holds the memory when the main thread has exited). */
	if (process_acting_thread(process, &acting) < 0)
		return explain_failure(process, to, -ESRCH, error);
	result = syscall(SYS_migrate_pages, acting, maxnode, from->bits, to->bits);
	if (result < 0)
		return explain_failure(process, to, -errno, error);
	*failed = result;
	return 0;
}
