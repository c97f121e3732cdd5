"""The task queues, and which work goes on which.

Imports, linkage and the refresh of the measures after it go on ``default``. Model
fits that take minutes for a large coalition (the adjusted program comparison on the
measures page) go on ``analysis``: ``reentrykit run`` gives each queue its own
worker, so a fit someone opened never holds up a data steward's upload, and
``reentrykit worker`` alone serves both.
"""

DEFAULT = "default"
ANALYSIS = "analysis"
QUEUES = (DEFAULT, ANALYSIS)
