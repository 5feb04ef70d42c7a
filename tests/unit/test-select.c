/* Choosing processes (lib/select.c): by name, user and cgroup, live and
 * on a fixture sysroot. */
#include "config.h"

#include <errno.h>
#include <pwd.h>
#include <sys/stat.h>
#include <unistd.h>

#include "numamig.h"
#include "tap.h"

static bool contains(const pid_t *pids, size_t count, pid_t pid)
{
	for (size_t i = 0; i < count; i++)
		if (pids[i] == pid)
			return true;
	return false;
}

static bool ascending(const pid_t *pids, size_t count)
{
	for (size_t i = 1; i < count; i++)
		if (pids[i - 1] >= pids[i])
			return false;
	return true;
}

static int select_processes(const char *sysroot, const char *name, const char *user,
			    const char *cgroup, pid_t **pids, size_t *count)
{
	struct numamig_selection selection = { name, user, cgroup };
	struct numamig_error error = { 0 };
	int result = numamig_processes_select(sysroot, &selection, pids, count, &error);

	if (result < 0)
		diag("%s", error.message);
	return result;
}

static void test_live_name(void)
{
	char *command = read_fixture("/proc/self/comm", NULL);
	char pattern[64];
	pid_t *pids;
	size_t count;

	if (!command)
		return;
	command[strcspn(command, "\n")] = '\0';
	snprintf(pattern, sizeof(pattern), "^%s$", command);
	if (is_int(select_processes(NULL, pattern, NULL, NULL, &pids, &count), 0,
		   "by name '%s'", pattern)) {
		ok(contains(pids, count, getpid()), "by name: this process is found");
		ok(ascending(pids, count), "by name: ascending");
		free(pids);
	}
	is_int(select_processes(NULL, "^no such command here$", NULL, NULL, &pids, &count), 0,
	       "a name nothing has");
	is_int((int)count, 0, "no process for it");
	free(pids);
	free(command);
}

static void test_live_user(void)
{
	char uid[32];
	struct passwd *entry = getpwuid(getuid());
	pid_t *pids;
	size_t count;

	snprintf(uid, sizeof(uid), "%d", (int)getuid());
	if (is_int(select_processes(NULL, NULL, uid, NULL, &pids, &count), 0, "by uid %s", uid)) {
		ok(contains(pids, count, getpid()), "by uid: this process is found");
		free(pids);
	}
	if (entry && is_int(select_processes(NULL, NULL, entry->pw_name, NULL, &pids, &count), 0,
			    "by user name '%s'", entry->pw_name)) {
		ok(contains(pids, count, getpid()), "by user name: this process is found");
		free(pids);
	}
	is_int(select_processes(NULL, "^init$|^systemd$", "4000000", NULL, &pids, &count), 0,
	       "name and an unused uid");
	is_int((int)count, 0, "every criterion must match");
	free(pids);
}

/* Our own cgroup v2, as /proc/self/cgroup's "0::PATH" line names it. */
static void test_live_cgroup(void)
{
	char *cgroups = read_fixture("/proc/self/cgroup", NULL);
	char *line = cgroups ? strstr(cgroups, "0::") : NULL;
	pid_t *pids;
	size_t count;

	if (!line || (line != cgroups && line[-1] != '\n')) {
		printf("ok %d - # SKIP no cgroup v2 here\n", ++tap_number);
		free(cgroups);
		return;
	}
	line += 3;
	line[strcspn(line, "\n")] = '\0';
	if (is_int(select_processes(NULL, NULL, NULL, line, &pids, &count), 0,
		   "by our cgroup '%s'", line)) {
		ok(contains(pids, count, getpid()), "by cgroup: this process is found");
		ok(ascending(pids, count), "by cgroup: ascending, no repeats");
		free(pids);
	}
	free(cgroups);
}

static void test_errors(void)
{
	struct numamig_selection selection = { 0 };
	struct numamig_error error = { 0 };
	pid_t *pids = (pid_t *)&pids;
	size_t count = 7;

	selection.name_pattern = "a(b";
	is_int(numamig_processes_select(NULL, &selection, &pids, &count, &error), -EINVAL,
	       "a bad regular expression is refused");
	ok(strncmp(error.message, "invalid regular expression 'a(b': ", 34) == 0, "message: %s",
	   error.message);
	ok(pids == NULL && count == 0, "nothing chosen on failure");
	selection.name_pattern = NULL;
	selection.user = "no-such-user-here";
	is_int(numamig_processes_select(NULL, &selection, &pids, &count, &error), -EINVAL,
	       "an unknown user is refused");
	is_string(error.message, "unknown user 'no-such-user-here'", "unknown user message");
	selection.user = NULL;
	selection.cgroup = "/no/such/cgroup";
	is_int(numamig_processes_select(NULL, &selection, &pids, &count, &error), -ENOENT,
	       "a missing cgroup is -ENOENT");
	ok(strncmp(error.message, "cgroup '/no/such/cgroup' does not exist (looked in '/no/such/cgroup' and '",
		   73) == 0, "message: %s", error.message);
	selection.cgroup = "no/such";
	is_int(numamig_processes_select(fixture("sysroot/processes"), &selection, &pids, &count,
					&error), -ENOENT, "a missing relative cgroup is -ENOENT");
	ok(strstr(error.message, "cgroup 'no/such' does not exist (looked in '") &&
	   strstr(error.message, "/sys/fs/cgroup/no/such')"), "message: %s", error.message);
}

static void test_sysroot(void)
{
	const char *sysroot = fixture("sysroot/processes");
	pid_t *pids;
	size_t count;

	if (is_int(select_processes(sysroot, NULL, NULL, NULL, &pids, &count), 0,
		   "sysroot: every process")) {
		/* 7005's stat is broken: it is not a process one can act on */
		ok(count == 4 && pids[0] == 7001 && pids[3] == 7004, "sysroot: 7001-7004 (%zu)", count);
		free(pids);
	}
	if (is_int(select_processes(sysroot, "odd", NULL, NULL, &pids, &count), 0,
		   "sysroot: by name 'odd'")) {
		ok(count == 1 && pids[0] == 7001, "sysroot: 7001 only");
		free(pids);
	}
	if (is_int(select_processes(sysroot, "^kworker/", "0", NULL, &pids, &count), 0,
		   "sysroot: name and uid 0")) {
		ok(count == 1 && pids[0] == 7002, "sysroot: 7002 only");
		free(pids);
	}
	if (is_int(select_processes(sysroot, NULL, "1000", NULL, &pids, &count), 0,
		   "sysroot: uid 1000")) {
		ok(count == 2 && pids[0] == 7003 && pids[1] == 7004, "sysroot: 7003 and 7004");
		free(pids);
	}
	if (is_int(select_processes(sysroot, NULL, NULL, "/batch.slice", &pids, &count), 0,
		   "sysroot: cgroup /batch.slice under sys/fs/cgroup, children included")) {
		ok(count == 2 && pids[0] == 7001 && pids[1] == 7003, "sysroot: 7001 and 7003 (%zu)",
		   count);
		free(pids);
	}
	if (is_int(select_processes(sysroot, NULL, "1000", "batch.slice", &pids, &count), 0,
		   "sysroot: relative cgroup and uid")) {
		ok(count == 1 && pids[0] == 7003, "sysroot: 7003 only");
		free(pids);
	}
}

/* Where cgroup v2 is mounted, from /proc/self/mounts. */
static bool cgroup_path(const char *cgroup, char *path, size_t size)
{
	char *mounts = read_fixture("/proc/self/mounts", NULL), *line;
	char mount_point[4096];
	bool found = false;

	for (line = mounts ? strtok(mounts, "\n") : NULL; line && !found; line = strtok(NULL, "\n"))
		if (sscanf(line, "%*s %4095s cgroup2", mount_point) == 1 && strstr(line, " cgroup2 "))
			found = true;
	free(mounts);
	if (found)
		snprintf(path, size, "%s%s", mount_point, cgroup);
	return found;
}

static bool make_cgroup(const char *cgroup)
{
	char path[8192];

	return cgroup_path(cgroup, path, sizeof(path)) && mkdir(path, 0755) == 0;
}

static void remove_cgroup(const char *cgroup)
{
	char path[8192];

	if (cgroup_path(cgroup, path, sizeof(path)))
		rmdir(path);
}

/* A selector's second look at a pinned process, the check that tells a PID
 * reused between the listing and the pinning: whatever matched the listing,
 * it is the pinned process that must match. */
static int matches(const char *name, const char *user, const char *cgroup,
		   const struct numamig_process *process)
{
	struct numamig_selection selection = { name, user, cgroup };
	struct numamig_selector *selector;
	struct numamig_error error = { 0 };
	int result = numamig_selector_new(NULL, &selection, &selector, &error);

	if (result < 0) {
		diag("%s", error.message);
		return result;
	}
	result = numamig_selector_matches(selector, process);
	numamig_selector_free(selector);
	return result;
}

static void test_selector(void)
{
	char *command = read_fixture("/proc/self/comm", NULL);
	char *cgroups = read_fixture("/proc/self/cgroup", NULL);
	char *line = cgroups ? strstr(cgroups, "0::") : NULL;
	struct numamig_process *process;
	struct numamig_error error = { 0 };
	char pattern[64], user[32];

	if (!command || numamig_process_open(NULL, getpid(), &process, &error) < 0) {
		ok(false, "cannot open this process: %s", error.message);
		free(command);
		free(cgroups);
		return;
	}
	command[strcspn(command, "\n")] = '\0';
	snprintf(pattern, sizeof(pattern), "^%s$", command);
	snprintf(user, sizeof(user), "%u", (unsigned int)getuid());
	is_int(matches(pattern, NULL, NULL, process), 1, "selector: our name matches us");
	is_int(matches("^no such command here$", NULL, NULL, process), 0,
	       "selector: another name does not");
	is_int(matches(NULL, user, NULL, process), 1, "selector: our uid matches us");
	snprintf(user, sizeof(user), "%u", (unsigned int)getuid() + 1);
	is_int(matches(NULL, user, NULL, process), 0, "selector: another uid does not");
	if (line && (line == cgroups || line[-1] == '\n')) {
		char parent[4096];
		char *slash;

		line += 3;
		line[strcspn(line, "\n")] = '\0';
		is_int(matches(NULL, NULL, line, process), 1, "selector: our cgroup '%s' matches us",
		       line);
		snprintf(parent, sizeof(parent), "%s", line);
		slash = strrchr(parent, '/');
		if (slash && slash != parent) {
			*slash = '\0';
			is_int(matches(NULL, NULL, parent, process), 1,
			       "selector: so does the cgroup above, '%s'", parent);
		} else
			printf("ok %d - # SKIP our cgroup is the root\n", ++tap_number);
		/* a cgroup of its own below ours, which we are not in */
		snprintf(parent, sizeof(parent), "%s/numamig-test-select-%d",
			 strcmp(line, "/") == 0 ? "" : line, (int)getpid());
		if (make_cgroup(parent)) {
			is_int(matches(NULL, NULL, parent, process), 0,
			       "selector: a cgroup below ours, without us, does not");
			remove_cgroup(parent);
		} else
			printf("ok %d - # SKIP cannot make a cgroup\n", ++tap_number);
	} else {
		printf("ok %d - # SKIP no cgroup v2 here\n", ++tap_number);
		printf("ok %d - # SKIP no cgroup v2 here\n", ++tap_number);
		printf("ok %d - # SKIP no cgroup v2 here\n", ++tap_number);
	}
	numamig_process_free(process);
	free(command);
	free(cgroups);
}

int main(void)
{
	test_selector();
	test_live_name();
	test_live_user();
	test_live_cgroup();
	test_errors();
	test_sysroot();
	return tap_done();
}
