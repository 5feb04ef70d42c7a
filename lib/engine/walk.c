/*
 * What the engine walks: the request's ranges cut along the process's
 * mappings into segments, and the bytes of the ranges that no mapping
 * covers (reported as "not mapped", never passed to the kernel).
 */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "engine.h"

static int compare_ranges(const void *left, const void *right)
{
	const struct numamig_range *a = left, *b = right;

	return a->start < b->start ? -1 : a->start > b->start;
}

static int compare_segments(const void *left, const void *right)
{
	const struct engine_segment *a = left, *b = right;

	return a->start < b->start ? -1 : a->start > b->start;
}

/* Sorted, with overlapping and touching ranges joined, so that no page is
 * walked (or counted) twice. */
static size_t merge_ranges(struct numamig_range *ranges, size_t count)
{
	size_t merged = 0;

	if (count > 1)		/* ranges may be NULL when there are none */
		qsort(ranges, count, sizeof(*ranges), compare_ranges);
	for (size_t index = 0; index < count; index++) {
		if (ranges[index].end <= ranges[index].start)
			continue;
		if (merged > 0 && ranges[index].start <= ranges[merged - 1].end) {
			if (ranges[index].end > ranges[merged - 1].end)
				ranges[merged - 1].end = ranges[index].end;
			continue;
		}
		ranges[merged++] = ranges[index];
	}
	return merged;
}

static bool is_hugetlb(const struct numamig_mapping *mapping, uint64_t base_page)
{
	return (mapping->huge || mapping->type == NUMAMIG_MAPPING_HUGETLB) &&
	       mapping->page_size > base_page;
}

static void add_segment(struct engine_walk *walk, const struct numamig_mapping *mapping,
			uint64_t start, uint64_t end, uint64_t base_page)
{
	struct engine_segment *segment = &walk->segments[walk->count];

	segment->step = base_page;
	/* Any page other than hugetlb may belong to a THP (anonymous, or
	 * shmem with huge=). */
	segment->folio_blocks = true;
	if (is_hugetlb(mapping, base_page)) {
		/* One address per huge page, aligned to it: on 6.1 an unaligned
		 * one gets -EACCES. The mapping itself is aligned. */
		segment->step = mapping->page_size;
		segment->folio_blocks = false;
		start -= start % mapping->page_size;
		if (end % mapping->page_size)
			end += mapping->page_size - end % mapping->page_size;
		if (end > mapping->end)
			end = mapping->end;
	}
	segment->start = start;
	segment->end = end;
	walk->count++;
}

/* Two ranges can end up on one huge page after the rounding above. */
static void drop_overlaps(struct engine_walk *walk)
{
	size_t kept = 0;

	if (walk->count > 1)	/* segments may be NULL when there are none */
		qsort(walk->segments, walk->count, sizeof(*walk->segments), compare_segments);
	for (size_t index = 0; index < walk->count; index++) {
		struct engine_segment segment = walk->segments[index];

		if (kept > 0 && segment.start < walk->segments[kept - 1].end)
			segment.start = walk->segments[kept - 1].end;
		if (segment.start >= segment.end)
			continue;
		walk->segments[kept++] = segment;
	}
	walk->count = kept;
}

int engine_walk_build(const struct numamig_page_request *request, uint64_t base_page,
		      struct engine_walk *walk, struct numamig_error *error)
{
	const struct numamig_memory_map *map = request->map;
	struct numamig_range *ranges = NULL;
	size_t range_count = request->range_count;

	memset(walk, 0, sizeof(*walk));
	if (range_count > 0) {
		ranges = malloc(range_count * sizeof(*ranges));
		if (!ranges)
			return numamig_error_set(error, -ENOMEM, "out of memory");
		memcpy(ranges, request->ranges, range_count * sizeof(*ranges));
		range_count = merge_ranges(ranges, range_count);
	}
	walk->segments = calloc(map->count * (range_count ? range_count : 1) + 1,
				sizeof(*walk->segments));
	if (!walk->segments) {
		free(ranges);
		return numamig_error_set(error, -ENOMEM, "out of memory");
	}

	if (range_count == 0) {
		/* Every mapping with pages: one untouched reservation can span
		 * terabytes, and walking it would find nothing to move. */
		for (size_t index = 0; index < map->count; index++) {
			const struct numamig_mapping *mapping = &map->mappings[index];

			if (mapping->end <= mapping->start || numamig_mapping_total_bytes(mapping) == 0)
				continue;
			walk->selected_bytes += mapping->end - mapping->start;
			add_segment(walk, mapping, mapping->start, mapping->end, base_page);
		}
	}
	for (size_t range = 0; range < range_count; range++) {
		uint64_t covered = 0;

		for (size_t index = 0; index < map->count; index++) {
			const struct numamig_mapping *mapping = &map->mappings[index];
			uint64_t start = ranges[range].start > mapping->start ? ranges[range].start
									       : mapping->start;
			uint64_t end = ranges[range].end < mapping->end ? ranges[range].end : mapping->end;

			if (start >= end)
				continue;
			covered += end - start;
			add_segment(walk, mapping, start, end, base_page);
		}
		walk->selected_bytes += ranges[range].end - ranges[range].start;
		if (covered < ranges[range].end - ranges[range].start)
			walk->unmapped_bytes += ranges[range].end - ranges[range].start - covered;
	}
	free(ranges);
	drop_overlaps(walk);
	return 0;
}

void engine_walk_release(struct engine_walk *walk)
{
	free(walk->segments);
	memset(walk, 0, sizeof(*walk));
}
