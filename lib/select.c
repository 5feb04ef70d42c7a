/*
 * Choosing processes by command name, user and cgroup.
 *
 * On the live machine the process list comes from libproc2, procps' own
 * reader; under another sysroot it comes from that tree's proc/PID
 * directories. The name is matched like pgrep's: an extended regular
 * expression searched in the command name (15 characters at most). The
 * user is matched against the real uid, like pgrep -U: the kernel lets a
 * caller migrate a process whose real uid is its own. A cgroup is
 * a cgroup v2 directory: its processes and those of every cgroup below it.
 * An absolute directory is taken under the sysroot, and if it has no
 * cgroup.procs, under the cgroup v2 mount (so the path /proc/PID/cgroup
 * shows works); a relative one is under the cgroup v2 mount. The calling process is
 * not left out.
 *
 * libproc2 is opened with dlopen when a live selection needs it, not
 * linked: linked, it and the libraries it needs in turn (libsystemd,
 * libgcrypt, libzstd, liblz4, liblzma, libcap, libgpg-error) are loaded
 * at every start of every tool, about 7 ms of processor time each time,
 * more than numamaps -s spends reading a process of 10 000 mappings.
 * It stays mapped after dlclose (RTLD_NODELETE): what it and the libraries
 * it loaded keep for the life of the process (buffers of libnss_systemd's
 * group lookups) would lose their last pointer when they are unmapped, a
 * leak valgrind rightly reports.
 */
#include "config.h"

#include <ctype.h>
#include <dirent.h>
#include <dlfcn.h>
#include <errno.h>
#include <pwd.h>
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <libproc2/pids.h>

#include "mapping.h"
#include "numamig.h"
#include "sysroot.h"
#include "text.h"

struct pid_list {
	pid_t *pids;
	size_t count;
	size_t capacity;
};

struct numamig_selector {
	char *sysroot;
	bool by_name;
	regex_t name;
	bool by_user;
	uid_t uid;
	bool by_cgroup;
	char cgroup_root[4096];		/* where cgroup v2 is mounted */
	char cgroup_directory[4096];	/* the one selected, its sysroot before it */
	struct pid_list cgroup_pids;	/* sorted */
	struct pid_list chosen;
	struct numamig_error *error;
};

static int pid_list_add(struct pid_list *list, pid_t pid)
{
	if (list->count == list->capacity) {
		size_t bigger = list->capacity ? list->capacity * 2 : 256;
		pid_t *pids = realloc(list->pids, bigger * sizeof(*pids));

		if (!pids)
			return -ENOMEM;
		list->pids = pids;
		list->capacity = bigger;
	}
	list->pids[list->count++] = pid;
	return 0;
}

static int compare_pids(const void *a, const void *b)
{
	pid_t left = *(const pid_t *)a, right = *(const pid_t *)b;

	return (left > right) - (left < right);
}

/* Sorts and drops repeats. */
static void pid_list_sort(struct pid_list *list)
{
	size_t kept = 0;

	if (list->count == 0)
		return;		/* pids may be NULL, which qsort must not get */
	qsort(list->pids, list->count, sizeof(*list->pids), compare_pids);
	for (size_t i = 0; i < list->count; i++)
		if (kept == 0 || list->pids[kept - 1] != list->pids[i])
			list->pids[kept++] = list->pids[i];
	list->count = kept;
}

static int parse_user(struct numamig_selector *selector, const char *user)
{
	uint64_t number;
	struct passwd *entry;

	if (text_parse_u64(user, strlen(user), &number) && number < (uid_t)-1) {
		selector->uid = (uid_t)number;
		return 0;
	}
	entry = getpwnam(user);
	if (!entry)
		return numamig_error_set(selector->error, -EINVAL, "unknown user '%s'", user);
	selector->uid = entry->pw_uid;
	return 0;
}

static int compile_name(struct numamig_selector *selector, const char *pattern)
{
	char reason[256];
	int code = regcomp(&selector->name, pattern, REG_EXTENDED | REG_NOSUB);

	if (code == 0)
		return 0;
	regerror(code, &selector->name, reason, sizeof(reason));
	regfree(&selector->name);
	reason[0] = (char)tolower((unsigned char)reason[0]);
	return numamig_error_set(selector->error, -EINVAL, "invalid regular expression '%s': %s",
				 pattern, reason);
}

/* Adds the PIDs of one cgroup.procs and of every cgroup below. */
static int read_cgroup(struct numamig_selector *selector, const char *directory)
{
	struct text_lines lines;
	const char *line;
	size_t length, text_length;
	char *text;
	char path[4096];
	DIR *listing;
	struct dirent *entry;
	/* directory already holds the sysroot: read it as a live path */
	int result = sysroot_read(NULL, &text, &text_length, selector->error, "%s/cgroup.procs",
				  directory + 1);

	if (result < 0)
		return result;
	text_lines_init(&lines, text, text_length);
	while (result == 0 && text_lines_next(&lines, &line, &length, NULL)) {
		uint64_t pid;

		if (text_parse_u64(line, length, &pid) && pid > 0 && pid <= INT32_MAX)
			result = pid_list_add(&selector->cgroup_pids, (pid_t)pid);
	}
	free(text);
	listing = opendir(directory);
	while (result == 0 && listing && (entry = readdir(listing))) {
		if (entry->d_type != DT_DIR || entry->d_name[0] == '.')
			continue;
		if (sysroot_path(path, sizeof(path), directory, "%s", entry->d_name) == 0)
			result = read_cgroup(selector, path);
	}
	if (listing)
		closedir(listing);
	if (result == -ENOMEM)
		return numamig_error_set(selector->error, result, "out of memory");
	return result;
}

static bool has_cgroup_procs(const char *directory)
{
	char path[4096];

	return sysroot_path(path, sizeof(path), directory, "cgroup.procs") == 0 &&
	       access(path, F_OK) == 0;
}

/*
 * Where cgroup v2 is mounted: sys/fs/cgroup, except on a live machine
 * that mounts it elsewhere (/sys/fs/cgroup/unified on hybrid systems).
 */
static void cgroup_root(const char *sysroot, char *root, size_t size)
{
	struct text_lines lines;
	const char *line;
	size_t length, text_length;
	char *text;

	sysroot_path(root, size, sysroot, "sys/fs/cgroup");
	if (!sysroot_is_live(sysroot) ||
	    sysroot_read(NULL, &text, &text_length, NULL, "proc/self/mounts") < 0)
		return;
	/* "cgroup2 /sys/fs/cgroup cgroup2 rw,... 0 0" */
	text_lines_init(&lines, text, text_length);
	while (text_lines_next(&lines, &line, &length, NULL)) {
		char mount_point[4096], type[64];

		if (length < sizeof(mount_point) &&
		    sscanf(line, "%*s %4095s %63s", mount_point, type) == 2 &&
		    strcmp(type, "cgroup2") == 0) {
			char *unescaped = mapping_unescape(mount_point, strlen(mount_point));

			if (unescaped)
				snprintf(root, size, "%s", unescaped);
			free(unescaped);
			break;
		}
	}
	free(text);
}

static int collect_cgroup(struct numamig_selector *selector, const char *cgroup)
{
	char as_given[4096], root[4096], under_root[4096];
	const char *relative = cgroup[0] == '/' ? cgroup + 1 : cgroup;
	int result;

	cgroup_root(selector->sysroot, root, sizeof(root));
	snprintf(selector->cgroup_root, sizeof(selector->cgroup_root), "%s", root);
	if (sysroot_path(as_given, sizeof(as_given), selector->sysroot, "%s", relative) < 0 ||
	    sysroot_path(under_root, sizeof(under_root), root, "%s", relative) < 0)
		return numamig_error_set(selector->error, -ENAMETOOLONG, "cgroup path too long '%s'",
					 cgroup);
	if (cgroup[0] == '/' && has_cgroup_procs(as_given))
		snprintf(selector->cgroup_directory, sizeof(selector->cgroup_directory), "%s", as_given);
	else if (has_cgroup_procs(under_root))
		snprintf(selector->cgroup_directory, sizeof(selector->cgroup_directory), "%s",
			 under_root);
	else if (cgroup[0] == '/')
		return numamig_error_set(selector->error, -ENOENT,
					 "cgroup '%s' does not exist (looked in '%s' and '%s')",
					 cgroup, as_given, under_root);
	else
		return numamig_error_set(selector->error, -ENOENT,
					 "cgroup '%s' does not exist (looked in '%s')", cgroup,
					 under_root);
	result = read_cgroup(selector, selector->cgroup_directory);
	pid_list_sort(&selector->cgroup_pids);
	return result;
}

/* Keeps the process when every criterion set matches it. */
static int consider(struct numamig_selector *selector, pid_t pid, const char *command, uid_t uid)
{
	if (selector->by_name && (!command || regexec(&selector->name, command, 0, NULL, 0) != 0))
		return 0;
	if (selector->by_user && uid != selector->uid)
		return 0;
	if (selector->by_cgroup &&
	    !bsearch(&pid, selector->cgroup_pids.pids, selector->cgroup_pids.count, sizeof(pid),
		     compare_pids))
		return 0;
	if (pid_list_add(&selector->chosen, pid) < 0)
		return numamig_error_set(selector->error, -ENOMEM, "out of memory");
	return 0;
}

/* The soname of procps 4's libproc2, whose interface pids.h declares. */
#define PROC2_LIBRARY "libproc2.so.0"

/* The libproc2 functions used, typed by its header. */
struct proc2 {
	void *library;
	__typeof__(procps_pids_new) *pids_new;
	__typeof__(procps_pids_reap) *pids_reap;
	__typeof__(procps_pids_unref) *pids_unref;
};

static int proc2_open(struct proc2 *proc2, struct numamig_error *error)
{
	proc2->library = dlopen(PROC2_LIBRARY, RTLD_NOW | RTLD_LOCAL | RTLD_NODELETE);
	if (proc2->library) {
		*(void **)&proc2->pids_new = dlsym(proc2->library, "procps_pids_new");
		*(void **)&proc2->pids_reap = dlsym(proc2->library, "procps_pids_reap");
		*(void **)&proc2->pids_unref = dlsym(proc2->library, "procps_pids_unref");
		if (proc2->pids_new && proc2->pids_reap && proc2->pids_unref)
			return 0;
	}
	numamig_error_set(error, -ENOENT, "cannot list processes: %s", dlerror());
	if (proc2->library)
		dlclose(proc2->library);
	return -ENOENT;
}

static int scan_live(struct numamig_selector *selector)
{
	enum pids_item items[] = { PIDS_ID_PID, PIDS_CMD, PIDS_ID_RUID };
	enum { ITEM_PID, ITEM_COMMAND, ITEM_UID };
	struct pids_info *info = NULL;
	struct pids_fetch *fetched;
	struct proc2 proc2;
	int result = proc2_open(&proc2, selector->error);

	if (result < 0)
		return result;
	result = proc2.pids_new(&info, items, sizeof(items) / sizeof(items[0]));
	if (result < 0) {
		dlclose(proc2.library);
		return numamig_error_set(selector->error, result < -1 ? result : -EIO,
					 "cannot list processes");
	}
	fetched = proc2.pids_reap(info, PIDS_FETCH_TASKS_ONLY);
	if (!fetched)
		result = numamig_error_set(selector->error, -EIO, "cannot list processes");
	for (int i = 0; fetched && result == 0 && i < fetched->counts->total; i++) {
		struct pids_stack *stack = fetched->stacks[i];

		result = consider(selector, PIDS_VAL(ITEM_PID, s_int, stack, info),
				  PIDS_VAL(ITEM_COMMAND, str, stack, info),
				  PIDS_VAL(ITEM_UID, u_int, stack, info));
	}
	proc2.pids_unref(&info);
	dlclose(proc2.library);
	return result;
}

/* A copied machine: its proc/PID directories, read as the process handles read them. */
static int scan_sysroot(struct numamig_selector *selector)
{
	char path[4096];
	char reason[128];
	struct dirent *entry;
	DIR *listing;
	int result = 0;

	sysroot_path(path, sizeof(path), selector->sysroot, "proc");
	listing = opendir(path);
	if (!listing)
		return numamig_error_set(selector->error, -errno, "cannot read '%s': %s", path,
					 sysroot_reason(-errno, reason, sizeof(reason)));
	while (result == 0 && (entry = readdir(listing))) {
		struct numamig_process *process;
		uint64_t pid;

		if (!text_parse_u64(entry->d_name, strlen(entry->d_name), &pid) || pid == 0 ||
		    pid > INT32_MAX)
			continue;
		if (numamig_process_open(selector->sysroot, (pid_t)pid, &process, NULL) < 0)
			continue;
		result = consider(selector, (pid_t)pid, numamig_process_command(process),
				  numamig_process_uid(process));
		numamig_process_free(process);
	}
	closedir(listing);
	return result;
}

/* Without its trailing slashes: "/a/b/" and "/a/b" name one directory. */
static size_t path_length(const char *path)
{
	size_t length = strlen(path);

	while (length > 1 && path[length - 1] == '/')
		length--;
	return length;
}

/*
 * Whether the process is in the selected cgroup or below it, by its own
 * proc/PID/cgroup ("0::/PATH", relative to the cgroup v2 mount). A copied
 * machine without that file is judged by the listing.
 */
static bool in_cgroup(const struct numamig_selector *selector,
		      const struct numamig_process *process)
{
	pid_t pid = numamig_process_pid(process);
	size_t length = path_length(selector->cgroup_directory), root_length;
	char *text, *line, path[8192];
	bool inside = false;

	if (sysroot_read(selector->sysroot, &text, NULL, NULL, "proc/%d/cgroup", (int)pid) < 0)
		return bsearch(&pid, selector->cgroup_pids.pids, selector->cgroup_pids.count,
			       sizeof(pid), compare_pids) != NULL;
	line = strstr(text, "0::");
	if (line && (line == text || line[-1] == '\n')) {
		line += 3;
		line[strcspn(line, "\n")] = '\0';
		root_length = path_length(selector->cgroup_root);
		snprintf(path, sizeof(path), "%.*s%s", (int)root_length, selector->cgroup_root,
			 strcmp(line, "/") == 0 ? "" : line);
		inside = strncmp(path, selector->cgroup_directory, length) == 0 &&
			 (path[length] == '\0' || path[length] == '/');
	}
	free(text);
	return inside;
}

int numamig_selector_new(const char *sysroot, const struct numamig_selection *selection,
			 struct numamig_selector **made, struct numamig_error *error)
{
	struct numamig_selector *selector = calloc(1, sizeof(*selector));
	int result = 0;

	*made = NULL;
	if (!selector || !(selector->sysroot = strdup(sysroot ? sysroot : "/"))) {
		free(selector);
		return numamig_error_set(error, -ENOMEM, "out of memory");
	}
	selector->error = error;
	if (selection->name_pattern) {
		result = compile_name(selector, selection->name_pattern);
		selector->by_name = result == 0;
	}
	if (result == 0 && selection->user) {
		selector->by_user = true;
		result = parse_user(selector, selection->user);
	}
	if (result == 0 && selection->cgroup) {
		selector->by_cgroup = true;
		result = collect_cgroup(selector, selection->cgroup);
	}
	selector->error = NULL;
	if (result < 0) {
		numamig_selector_free(selector);
		return result;
	}
	*made = selector;
	return 0;
}

int numamig_selector_list(struct numamig_selector *selector, pid_t **pids, size_t *count,
			  struct numamig_error *error)
{
	int result;

	*pids = NULL;
	*count = 0;
	selector->error = error;
	selector->chosen.count = 0;
	result = sysroot_is_live(selector->sysroot) ? scan_live(selector) : scan_sysroot(selector);
	selector->error = NULL;
	if (result < 0)
		return result;
	pid_list_sort(&selector->chosen);
	*pids = selector->chosen.pids;
	*count = selector->chosen.count;
	selector->chosen = (struct pid_list){ 0 };
	return 0;
}

int numamig_selector_matches(const struct numamig_selector *selector,
			     const struct numamig_process *process)
{
	const char *command = numamig_process_command(process);

	if (selector->by_name && (!command || regexec(&selector->name, command, 0, NULL, 0) != 0))
		return 0;
	if (selector->by_user && numamig_process_uid(process) != selector->uid)
		return 0;
	if (selector->by_cgroup && !in_cgroup(selector, process))
		return 0;
	return 1;
}

void numamig_selector_free(struct numamig_selector *selector)
{
	if (!selector)
		return;
	if (selector->by_name)
		regfree(&selector->name);
	free(selector->cgroup_pids.pids);
	free(selector->chosen.pids);
	free(selector->sysroot);
	free(selector);
}

int numamig_processes_select(const char *sysroot, const struct numamig_selection *selection,
			     pid_t **pids, size_t *count, struct numamig_error *error)
{
	struct numamig_selector *selector;
	int result = numamig_selector_new(sysroot, selection, &selector, error);

	*pids = NULL;
	*count = 0;
	if (result < 0)
		return result;
	result = numamig_selector_list(selector, pids, count, error);
	numamig_selector_free(selector);
	return result;
}
