"""A Manager under the start method argv[1], for test_pyhook.py: its server process keeps
a dict and a list that the main process fills and reads back."""
import multiprocessing as mp
import sys

if __name__ == "__main__":
    with mp.get_context(sys.argv[1]).Manager() as manager:
        d = manager.dict()
        items = manager.list()
        for i in range(3):
            d[i] = i * i
            items.append(i)
        print("manager:", dict(d), list(items), flush=True)
