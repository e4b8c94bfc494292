"""forkscope's start-method hook, put on PYTHONPATH by `forkscope run --method M`.

It changes only the *default* start method (as if the platform default were M), so a
program that calls set_start_method() or get_context() itself still gets its choice.
It then hands over to any other sitecustomize module further down sys.path.
"""
import os
import sys


def _forkscope_set_default_method():
    method = os.environ.get("FORKSCOPE_METHOD")
    if not method:
        return
    try:
        from multiprocessing import context
    except ImportError:
        return
    ctx = getattr(context, "_concrete_contexts", {}).get(method)
    default = getattr(context, "_default_context", None)
    if ctx is not None and default is not None and default._actual_context is None:
        default._default_context = ctx


def _forkscope_chain():
    here = os.path.dirname(os.path.abspath(__file__))
    saved = sys.path[:]
    sys.path[:] = [p for p in sys.path if os.path.abspath(p or ".") != here]
    mine = sys.modules.pop("sitecustomize", None)
    try:
        import sitecustomize  # noqa: F401  the next one, if any
    except ImportError:
        pass
    finally:
        sys.path[:] = saved
        if mine is not None:
            sys.modules["sitecustomize"] = mine


def _forkscope_facts():
    if os.environ.get("FORKSCOPE_PYHOOK") != "1":
        return
    try:
        import _forkscope_facts

        _forkscope_facts.install()
    except Exception:  # never let the hook break the program
        pass


_forkscope_set_default_method()
_forkscope_facts()
_forkscope_chain()
