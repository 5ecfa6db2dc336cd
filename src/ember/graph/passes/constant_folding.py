"""TODO"""


def run(graph) -> int:
    return 0
