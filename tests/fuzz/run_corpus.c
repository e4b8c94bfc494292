/* Run the fuzz harness once over each file named on the command line (no libFuzzer): the
 * regression pass of `make unit` over tests/fuzz/corpus. A crash or sanitizer report
 * fails it; otherwise it prints how many inputs ran. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The whole file at path in a new buffer (also for an empty file); NULL on error. */
static uint8_t *run_read(const char *path, size_t *size)
{
	FILE *f = fopen(path, "rb");
	uint8_t *buf = NULL, *p;
	size_t cap = 0, n;

	*size = 0;
	if (!f)
		return NULL;
	do {
		if (*size == cap) {
			cap = cap ? cap * 2 : 65536;
			p = realloc(buf, cap);
			if (!p) {
				free(buf);
				buf = NULL;
				goto out;
			}
			buf = p;
		}
		n = fread(buf + *size, 1, cap - *size, f);
		*size += n;
	} while (n > 0);
	if (ferror(f)) {
		free(buf);
		buf = NULL;
	}
out:
	fclose(f);
	return buf;
}

int main(int argc, char **argv)
{
	int i, ran = 0;

	for (i = 1; i < argc; i++) {
		size_t size;
		uint8_t *data = run_read(argv[i], &size);

		if (!data) {
			perror(argv[i]);
			return 1;
		}
		LLVMFuzzerTestOneInput(data, size);
		free(data);
		ran++;
	}
	printf("fuzz corpus: %d inputs, no crash\n", ran);
	return ran > 0 ? 0 : 1;
}
