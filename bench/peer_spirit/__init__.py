"""A minimal django-spirit project: the forum a town could install instead (issue 14).

Run only by bench/peer_bench.py, with the Python of the peer's own virtual
environment (bench/.venvs/spirit) and `bench/` on the path; the site's code and
its virtual environment never import it.
"""
