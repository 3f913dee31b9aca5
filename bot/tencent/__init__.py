"""Adapter for Tencent Cloud Infinite (CI): signer, client, parsing, typed results."""

from .client import CIClient
from .jobid import InvalidJobId, is_job_id
from .results import CancelResult, CIBadResponse, CIError, CINetworkError, CIServiceError, JobStatus

__all__ = [
    "CIClient",
    "CancelResult",
    "CIBadResponse",
    "CIError",
    "CINetworkError",
    "CIServiceError",
    "InvalidJobId",
    "JobStatus",
    "is_job_id",
]
