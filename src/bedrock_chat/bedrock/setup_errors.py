"""Failures before any request leaves (AWS SSO, credentials, an API key, the AWS configuration, the region,
the endpoint or proxy settings, an old boto3) as messages a person can act on."""

from __future__ import annotations

from botocore import exceptions as boto_errors

from bedrock_chat.bedrock.connection import hide_password
from bedrock_chat.bedrock.error_context import ErrorContext
from bedrock_chat.bedrock.user_error import UserError, scrub, sso_login_command


def setup_error(error: BaseException, context: ErrorContext) -> UserError | None:
    """The message for a failure of the client's setup; None when the error is not one."""
    sso_errors = boto_errors.SSOError | boto_errors.UnauthorizedSSOTokenError | boto_errors.TokenRetrievalError
    if isinstance(error, sso_errors):
        text = sso_login_command(context.profile)
        whose = f"profile “{context.profile}”" if context.profile else "your default profile"
        return UserError(f"The AWS SSO session of {whose} has expired or is missing", "",
                         f"Run {text} in a terminal, then press Reconnect.", True,
                         sso_profile=context.profile or "default")
    if isinstance(error, boto_errors.NoAuthTokenError):
        return UserError("No Bedrock API key was found", "", "Enter an API key, or use a profile instead.", True)
    if isinstance(error, boto_errors.NoCredentialsError | boto_errors.PartialCredentialsError) \
            and context.key_withheld:
        endpoint = hide_password(context.endpoint_url or "the endpoint")
        return UserError("The Bedrock API key is not sent to an http:// endpoint",
                         f"API keys travel only over HTTPS, and {endpoint} is plain http; no AWS "
                         "credentials were found to sign the requests instead.",
                         "Use an https:// endpoint URL, or set up AWS credentials (aws configure).", False)
    if isinstance(error, boto_errors.NoCredentialsError | boto_errors.PartialCredentialsError):
        return UserError("No AWS credentials were found", "",
                         "Run aws configure (or aws sso login), choose a profile, set AWS_BEARER_TOKEN_BEDROCK to a "
                         "Bedrock API key, or start with --offline to use the local endpoint.", True)
    if isinstance(error, boto_errors.CredentialRetrievalError):
        return UserError("Your AWS credentials could not be loaded", scrub(str(error)) + ".",
                         "Check the credential_process or source profile of this profile, then reconnect.", True)
    if isinstance(error, boto_errors.ProfileNotFound):
        return UserError("That AWS profile does not exist", str(error) + ".",
                         "Choose another profile in the toolbar.", False)
    if isinstance(error, boto_errors.ConfigParseError | boto_errors.InvalidConfigError):
        return UserError("Your AWS configuration could not be read", scrub(str(error)) + ".",
                         "Fix the file named above (~/.aws/config or credentials), then reconnect.", False)
    if isinstance(error, boto_errors.NoRegionError | boto_errors.InvalidRegionError):
        return UserError("No valid AWS region is set", "", "Pick a region in the toolbar.", False)
    if isinstance(error, boto_errors.InvalidEndpointConfigurationError):
        return UserError("The endpoint address cannot be used", scrub(str(error)) + ".",
                         "Use an https:// endpoint for API keys, or a profile's credentials for http.", False)
    if isinstance(error, boto_errors.InvalidProxiesConfigError):
        return UserError("The proxy settings are not valid", "", "Check HTTPS_PROXY and the proxy settings.", False)
    if isinstance(error, boto_errors.UnknownServiceError):
        return UserError("This copy of boto3 does not know Amazon Bedrock", "",
                         "Upgrade boto3 and botocore (pip install -U boto3).", False)
    return None
