"""The pure core: ritual kinds, calendar rules, the planner, reconciliation, the message policy.

Nothing here performs I/O or reads the clock: time comes in as an argument.
"""
