/* The model's hash map (struct fs_map): open addressing with linear probing, uint64 keys
 * to uint64 values. It maps each PID to its newest entry, and (index, signal) pairs to
 * signal records, and each writer to its open output line. Retirement builds new maps;
 * only the open output lines are deleted from theirs (pidmap_del). */
#include <stdlib.h>
#include <string.h>

#include "model/model_internal.h"

/* splitmix64's finaliser: spreads PIDs and (index, signal) keys over the table. */
static uint64_t pidmap_hash(uint64_t k)
{
	k ^= k >> 33;
	k *= 0xff51afd7ed558ccdULL;
	k ^= k >> 33;
	k *= 0xc4ceb9fe1a85ec53ULL;
	k ^= k >> 33;
	return k;
}

/* Slot holding key, or the empty slot where it would go (the table is never full). */
static size_t pidmap_slot(const struct fs_map *mp, uint64_t key)
{
	size_t mask = mp->cap - 1, i = pidmap_hash(key) & mask;

	while (mp->keys[i] && mp->keys[i] != key + 1)
		i = (i + 1) & mask;
	return i;
}

bool pidmap_get(const struct fs_map *mp, uint64_t key, uint64_t *val)
{
	size_t i;

	if (!mp->cap)
		return false;
	i = pidmap_slot(mp, key);
	if (!mp->keys[i])
		return false;
	*val = mp->vals[i];
	return true;
}

/* Double the table (or make the first one) and rehash. */
static int pidmap_grow(struct fs_map *mp)
{
	struct fs_map n = {0};
	int rc = -1;

	n.cap = mp->cap ? mp->cap * 2 : 1024;
	n.keys = calloc(n.cap, sizeof(*n.keys));
	n.vals = malloc(n.cap * sizeof(*n.vals));
	if (!n.keys || !n.vals)
		goto out;
	for (size_t i = 0; i < mp->cap; i++) {
		size_t j;

		if (!mp->keys[i])
			continue;
		j = pidmap_slot(&n, mp->keys[i] - 1);
		n.keys[j] = mp->keys[i];
		n.vals[j] = mp->vals[i];
	}
	n.len = mp->len;
	free(mp->keys);
	free(mp->vals);
	*mp = n;
	n.keys = NULL;
	n.vals = NULL;
	rc = 0;
out:
	free(n.keys);
	free(n.vals);
	return rc;
}

/* Insert or overwrite; keeps the load at most one half. */
int pidmap_put(struct fs_map *mp, uint64_t key, uint64_t val)
{
	size_t i;

	if ((mp->len + 1) * 2 > mp->cap && pidmap_grow(mp) != 0)
		return -1;
	i = pidmap_slot(mp, key);
	if (!mp->keys[i]) {
		mp->keys[i] = key + 1;
		mp->len++;
	}
	mp->vals[i] = val;
	return 0;
}

/* Remove key: later entries of its probe run move back into the hole, so that every key
 * stays reachable from its home slot. */
bool pidmap_del(struct fs_map *mp, uint64_t key)
{
	size_t mask, i, j;

	if (!mp->cap)
		return false;
	mask = mp->cap - 1;
	i = pidmap_slot(mp, key);
	if (!mp->keys[i])
		return false;
	for (j = (i + 1) & mask; mp->keys[j]; j = (j + 1) & mask) {
		size_t home = pidmap_hash(mp->keys[j] - 1) & mask;

		/* j may fill the hole at i unless its home lies in (i, j], cyclically */
		if (i < j ? home <= i || home > j : home <= i && home > j) {
			mp->keys[i] = mp->keys[j];
			mp->vals[i] = mp->vals[j];
			i = j;
		}
	}
	mp->keys[i] = 0;
	mp->len--;
	return true;
}

/* An empty map that takes n keys without growing. 0 or -1. */
int pidmap_init(struct fs_map *mp, size_t n)
{
	memset(mp, 0, sizeof(*mp));
	mp->cap = 1024;
	while (mp->cap < 2 * (n + 1))
		mp->cap *= 2;
	mp->keys = calloc(mp->cap, sizeof(*mp->keys));
	mp->vals = malloc(mp->cap * sizeof(*mp->vals));
	if (mp->keys && mp->vals)
		return 0;
	free(mp->keys);
	free(mp->vals);
	memset(mp, 0, sizeof(*mp));
	return -1;
}

void pidmap_free(struct fs_map *mp)
{
	free(mp->keys);
	free(mp->vals);
	memset(mp, 0, sizeof(*mp));
}

/* dst a copy of src, for model_clone(). 0 or -1. */
int pidmap_copy(struct fs_map *dst, const struct fs_map *src)
{
	memset(dst, 0, sizeof(*dst));
	if (!src->cap)
		return 0;
	dst->keys = malloc(src->cap * sizeof(*src->keys));
	dst->vals = malloc(src->cap * sizeof(*src->vals));
	if (!dst->keys || !dst->vals) {
		pidmap_free(dst);
		return -1;
	}
	memcpy(dst->keys, src->keys, src->cap * sizeof(*src->keys));
	memcpy(dst->vals, src->vals, src->cap * sizeof(*src->vals));
	dst->cap = src->cap;
	dst->len = src->len;
	return 0;
}
