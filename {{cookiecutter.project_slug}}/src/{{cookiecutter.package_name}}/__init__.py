"""Batch scoring of one model on Azure Machine Learning (SDK v1), with local runners."""

__version__ = "0.1.0"
