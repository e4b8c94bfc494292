"""A small Pool workload for test_pyhook.py: `pyhook_pool.py METHOD [MAXTASKS]` maps
square over range(8) with Pool(2) (chunksize 1, maxtasksperchild MAXTASKS if given) under
METHOD and prints only what does not depend on PIDs or time, so that two runs print the
same lines."""
import multiprocessing as mp
import os
import sys


def square(x):
    return x * x


if __name__ == "__main__":
    method = sys.argv[1]
    maxtasks = int(sys.argv[2]) if len(sys.argv) > 2 else None
    print(f"method {method}, maxtasksperchild {maxtasks}", flush=True)
    pool = mp.get_context(method).Pool(2, maxtasksperchild=maxtasks)
    results = pool.map(square, range(8), chunksize=1)
    # close + join, not a with block: its terminate() could kill a spawn worker before
    # it is ready (the other one may run all 8 tasks first)
    pool.close()
    pool.join()
    print("squares:", results, flush=True)
    print("sum:", sum(results), "uid:", os.getuid(), file=sys.stderr, flush=True)
