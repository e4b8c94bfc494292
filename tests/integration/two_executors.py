"""A workload for forkscope's integration tests: two ProcessPoolExecutor(2) one after the
other, under the start method given as argv[1]. No worker replaces another: the second
executor's workers are new, not recycled."""
import concurrent.futures
import multiprocessing
import sys


def square(x):
    return x * x


if __name__ == "__main__":
    ctx = multiprocessing.get_context(sys.argv[1])
    for round_ in (1, 2):
        with concurrent.futures.ProcessPoolExecutor(2, mp_context=ctx) as executor:
            print(f"executor {round_}:", list(executor.map(square, range(8))))
