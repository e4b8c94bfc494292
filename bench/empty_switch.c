/* empty_switch OBJECT: load a BPF object, attach its programs, print "attached" and wait
 * for SIGINT or SIGTERM (bench/README.md, the switch part's floor). */
#include <signal.h>
#include <stdio.h>
#include <unistd.h>

#include <bpf/libbpf.h>

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

int main(int argc, char **argv)
{
	struct bpf_object *obj = NULL;
	struct bpf_program *prog;
	int rc = 1;

	if (argc != 2) {
		fprintf(stderr, "usage: empty_switch OBJECT\n");
		return 2;
	}
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	obj = bpf_object__open_file(argv[1], NULL);
	if (!obj || bpf_object__load(obj) != 0) {
		fprintf(stderr, "empty_switch: cannot load %s\n", argv[1]);
		goto out;
	}
	bpf_object__for_each_program(prog, obj)
	{
		if (!bpf_program__attach(prog)) {
			fprintf(stderr, "empty_switch: cannot attach %s\n",
				bpf_program__name(prog));
			goto out;
		}
	}
	printf("attached\n");
	fflush(stdout);
	while (!stop)
		pause();
	rc = 0;
out:
	bpf_object__close(obj);
	return rc;
}
