"""Adapter for Tencent Cloud Infinite (CI): signer, client, parsing, typed results."""

from .client import CIClient
from .jobid import InvalidJobId, is_job_id
from .results import CancelResult, CIBadResponse, CIError, CILocalError, CINetworkError, CIServiceError, JobStatus

__all__ = [
    "CIBadResponse",
    "CIClient",
    "CIError",
    "CILocalError",
    "CINetworkError",
    "CIServiceError",
    "CancelResult",
    "InvalidJobId",
    "JobStatus",
    "is_job_id",
]
