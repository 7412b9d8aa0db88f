"""Scripts that run on Azure ML compute: thin adapters around the pure code.

Each parses its arguments, loads its inputs, calls pure functions and writes
its outputs. Every name and number arrives as an argument from the pipeline
builders; none is written here.
"""
