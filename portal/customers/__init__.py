"""The customer's pages: a company's page with its agreement versions, orders and change quotes,
the downsell it may still cancel, its files, and the home page's summary.

These pages show what the order and change apps made, so they sit above them in the layers; the
rules they show come from companies (versions in time) and changes (downsells).
"""
