"""The AWS regions where Amazon Bedrock runs, as far as this release knows, for the region box and messages."""

from __future__ import annotations

# The region box offers these first; any other region can be typed. Kept in one place so the message for a
# region that does not answer can tell "probably no Bedrock there" from "your network is down".
BEDROCK_REGIONS: tuple[str, ...] = (
    "us-east-1", "us-east-2", "us-west-2", "us-west-1", "ca-central-1", "sa-east-1", "eu-central-1",
    "eu-central-2", "eu-west-1", "eu-west-2", "eu-west-3", "eu-north-1", "eu-south-1", "eu-south-2",
    "ap-northeast-1", "ap-northeast-2", "ap-northeast-3", "ap-south-1", "ap-south-2", "ap-southeast-1",
    "ap-southeast-2", "ap-southeast-3", "ap-southeast-4", "me-central-1", "il-central-1", "us-gov-west-1",
    "us-gov-east-1",
)

SUGGESTED_REGIONS = ("us-east-1", "us-west-2", "eu-central-1", "ap-northeast-1")


def is_known_bedrock_region(region: str | None) -> bool:
    return region in BEDROCK_REGIONS
