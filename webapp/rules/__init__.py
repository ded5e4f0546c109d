"""Pure rules of the product: timer, accounting, focus score, analytics bucketing.

Nothing in this package imports Flask or the database. Every function takes the
time it needs (`now`) as an argument, so tests drive it without sleeping.
"""
