/* What became of a page, in words a user can act on: never a bare errno. */
#include "config.h"

#include "numamig.h"

static const struct {
	const char *name;
	const char *meaning;
	bool shortfall;
} outcomes[NUMAMIG_OUTCOME_COUNT] = {
	[NUMAMIG_OUTCOME_MOVED] = {
		"moved", "now on its target node", false },
	[NUMAMIG_OUTCOME_WOULD_MOVE] = {
		"would move", "on a source node: a query moves nothing", false },
	[NUMAMIG_OUTCOME_ALREADY_THERE] = {
		"already there", "was on its target node already", false },
	[NUMAMIG_OUTCOME_NOT_SELECTED] = {
		"not selected", "on a node not asked for: left alone", false },
	[NUMAMIG_OUTCOME_NOT_PRESENT] = {
		"not present", "never touched, swapped out or the shared zero page: nothing to move", false },
	[NUMAMIG_OUTCOME_NOT_MAPPED] = {
		"not mapped", "no mapping of the process covers these addresses", false },
	[NUMAMIG_OUTCOME_SHARED] = {
		"shared", "mapped by other processes too: moving it needs CAP_SYS_NICE", true },
	[NUMAMIG_OUTCOME_BUSY] = {
		"busy", "in use by the kernel at that moment (locked, under I/O, being migrated): try again", true },
	[NUMAMIG_OUTCOME_NO_MEMORY] = {
		"no memory", "the target node had no free memory for it", true },
	[NUMAMIG_OUTCOME_FAILED] = {
		"failed", "the kernel could not move it (pinned, or a mapping that cannot migrate)", true },
};

const char *numamig_outcome_name(enum numamig_outcome outcome)
{
	return (unsigned int)outcome < NUMAMIG_OUTCOME_COUNT ? outcomes[outcome].name : "unknown";
}

const char *numamig_outcome_meaning(enum numamig_outcome outcome)
{
	return (unsigned int)outcome < NUMAMIG_OUTCOME_COUNT ? outcomes[outcome].meaning : "";
}

bool numamig_outcome_is_shortfall(enum numamig_outcome outcome)
{
	return (unsigned int)outcome < NUMAMIG_OUTCOME_COUNT && outcomes[outcome].shortfall;
}
