"""A workload for forkscope's integration tests: subprocess children beside a
multiprocessing one. subprocess.run of a missing program (vfork, the exec fails, the child
exits 255 without exec'ing), subprocess.run of /bin/true (vfork + exec), and one
multiprocessing fork child. Only the last is a multiprocessing child."""
import multiprocessing
import subprocess


def work():
    pass


if __name__ == "__main__":
    try:
        subprocess.run(["/nonexistent/program"])
    except OSError as error:
        print("subprocess: exec failed:", error.strerror)
    subprocess.run(["/bin/true"])
    child = multiprocessing.get_context("fork").Process(target=work)
    child.start()
    child.join()
