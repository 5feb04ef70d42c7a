/*
 * numamaps --save FILE: the processes read, with every mapping, the time,
 * the kernel and the topology, in a snapshot file (tools/numamaps/snapshot.h)
 * for a later --diff. Written to FILE.tmp and renamed, so a reader never
 * sees half a snapshot and an old one survives a failed write.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "messages.h"
#include "numamaps.h"
#include "snapshot.h"

static int write_file(const char *path, const struct snapshot *snapshot)
{
	char *temporary = NULL;
	FILE *file;
	int status;

	if (asprintf(&temporary, "%s.tmp", path) < 0) {
		message_warn_code(ENOMEM, "cannot write '%s'", path);
		return -ENOMEM;
	}
	file = fopen(temporary, "we");
	if (!file) {
		status = -errno;
		message_warn_code(status, "cannot write '%s'", temporary);
		free(temporary);
		return status;
	}
	status = snapshot_write(file, snapshot);
	if (fflush(file) != 0 || ferror(file))
		status = -(errno ? errno : EIO);
	if (fclose(file) != 0 && status == 0)
		status = -(errno ? errno : EIO);
	if (status == 0 && rename(temporary, path) < 0)
		status = -errno;
	if (status < 0) {
		message_warn_code(status, "cannot write '%s'", path);
		unlink(temporary);
	}
	free(temporary);
	return status;
}

int snapshot_save(const struct numamaps_control *control, const struct numamig_topology *topology)
{
	struct snapshot snapshot = { .time = time(NULL) };
	size_t index;
	int status;

	snapshot.kernel = snapshot_kernel_release(control->common.sysroot);
	snapshot.processes = calloc(control->process_count + 1, sizeof(*snapshot.processes));
	status = snapshot.processes ? snapshot_nodes_of_topology(topology, &snapshot.nodes,
								 &snapshot.node_count)
				    : -ENOMEM;
	if (status < 0) {
		message_warn_code(status, "cannot write '%s'", control->save_path);
		goto done;
	}
	/* Borrowed from control: freed there, not here. */
	for (index = 0; index < control->process_count; index++) {
		const struct numamaps_process *read = &control->processes[index];
		struct snapshot_process *saved = &snapshot.processes[snapshot.process_count++];

		saved->pid = numamig_process_pid(read->process);
		saved->command = (char *)numamig_process_command(read->process);
		saved->uid = numamig_process_uid(read->process);
		saved->map = read->map;
	}
	status = write_file(control->save_path, &snapshot);
	if (status == 0)
		message_verbose(1, "saved %zu %s to '%s'", snapshot.process_count,
				snapshot.process_count == 1 ? "process" : "processes",
				control->save_path);
done:
	for (index = 0; index < snapshot.node_count; index++)
		free(snapshot.nodes[index].cpus);
	free(snapshot.nodes);
	free(snapshot.processes);
	free(snapshot.kernel);
	return status;
}
