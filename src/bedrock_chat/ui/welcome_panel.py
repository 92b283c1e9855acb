"""The first-run page, shown in the chat area when no AWS credentials, region or API key were found.

It says in plain words how to get in (a profile, ``aws sso login``, a Bedrock API key), which region to pick and
how to enable model access, and offers to try the app at once on the built-in local endpoint.
"""

from __future__ import annotations

from typing import Protocol

from PySide6.QtCore import Qt, QUrl, Signal
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from bedrock_chat.bedrock.connection import ConnectionSettings
from bedrock_chat.ui.connection_controller import Connected, ConnectionController
from bedrock_chat.ui.prompt_editor import PromptEditor

BEDROCK_CONSOLE = QUrl("https://console.aws.amazon.com/bedrock/home#/modelaccess")
SAMPLE_PROMPT = "Hello! What can you do?"

# Our own fixed text (no value from outside reaches it), so rich text is safe here.
INTRO_OFFLINE = """
<h2>Welcome to Bedrock Chat</h2>
<p>No AWS credentials, region or Bedrock API key were found on this computer, so Bedrock Chat is running on its
<b>built-in local endpoint</b>: a stand-in for Amazon Bedrock that answers right here, offline and free. It is
good for trying the app; its answers are made up, not a real model's.</p>
"""
INTRO_ONLINE = """
<h2>Getting started with Amazon Bedrock</h2>
<p>How to give Bedrock Chat a way into an AWS account, which region to pick and how to enable the models.</p>
"""
STEPS_HTML = """

<h3>1. Give it a way into your AWS account (one of these)</h3>
<ul>
<li><b>An AWS profile with access keys:</b> run <code>aws configure</code> in a terminal and enter your access
key, secret key and region.</li>
<li><b>Single sign-on (IAM Identity Center):</b> run <code>aws configure sso</code> once, then
<code>aws sso login --profile NAME</code> whenever the sign-in expires, and start
<code>bedrock-chat --profile NAME</code>.</li>
<li><b>A Bedrock API key:</b> create one in the Bedrock console (<i>API keys</i>), then start the app with it set:
<code>AWS_BEARER_TOKEN_BEDROCK=your-key bedrock-chat --region us-east-1</code>.</li>
</ul>

<h3>2. Pick a region that has Bedrock</h3>
<p><b>us-east-1</b> (N. Virginia) and <b>us-west-2</b> (Oregon) offer the most models; in Europe
<b>eu-central-1</b> (Frankfurt) or <b>eu-west-1</b> (Ireland), in Asia <b>ap-northeast-1</b> (Tokyo). Not every
region has Bedrock, and not every model is in every region: if the model list is empty, try us-east-1.</p>

<h3>3. Enable model access</h3>
<p>In the Amazon Bedrock console, open <i>Model access</i>, choose <i>Modify model access</i>, tick the models you
want and save. Some providers (Anthropic) ask a short use-case form first; access is usually granted in minutes.
Your user or role also needs permission to call Bedrock (for example the <i>AmazonBedrockLimitedAccess</i>
policy).</p>

<p>Then choose <b>Connect to AWS…</b> below (or <i>File › Connection…</i>) to pick the profile and region or paste
an API key, and <i>Test connection</i>. Start the app with <code>--offline</code> to use the local endpoint
without this page.</p>
"""


class WelcomeHost(Protocol):
    """What the panel needs of the window: the chat area to show itself in, and the prompt to hand over to."""

    @property
    def connection(self) -> ConnectionSettings: ...

    @property
    def chat_splitter(self) -> QSplitter: ...
    @property
    def chat(self) -> QWidget: ...
    @property
    def prompt(self) -> PromptEditor: ...
    @property
    def connection_ctl(self) -> ConnectionController: ...
    def open_connection_dialog(self) -> None: ...


class WelcomePanel(QFrame):
    local_chosen = Signal()
    """The person chose to try the app on the local endpoint now."""
    connect_chosen = Signal()
    """The person chose to set up the connection to AWS now."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("welcome-panel")
        self.setAccessibleName("Getting started")
        self.text = QLabel(INTRO_OFFLINE + STEPS_HTML)
        self.text.setTextFormat(Qt.TextFormat.RichText)
        self.text.setWordWrap(True)
        self.text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse
                                          | Qt.TextInteractionFlag.TextSelectableByKeyboard)
        self.text.setAccessibleName("How to connect to Amazon Bedrock")
        self.text.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.text.setContentsMargins(12, 4, 12, 4)
        scroll = QScrollArea()
        scroll.setWidget(self.text)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)

        self.try_local_button = QPushButton("Try it on the local endpoint")
        self.try_local_button.setAccessibleName("Try it on the local endpoint")
        self.try_local_button.setToolTip("Chat now with the built-in stand-in for Bedrock; nothing leaves this "
                                         "computer.")
        self.try_local_button.setDefault(True)
        self.try_local_button.clicked.connect(self.local_chosen)
        self.connect_button = QPushButton("Connect to AWS…")
        self.connect_button.setAccessibleName("Connect to AWS")
        self.connect_button.setToolTip("Choose a profile and region or paste a Bedrock API key, and test the "
                                       "connection.")
        self.connect_button.clicked.connect(self.connect_chosen)
        self.console_button = QPushButton("Open the Bedrock console")
        self.console_button.setAccessibleName("Open the Bedrock console")
        self.console_button.setToolTip(f"Opens {BEDROCK_CONSOLE.toString()} in your browser, where model access "
                                       "is enabled.")
        self.console_button.clicked.connect(lambda: QDesktopServices.openUrl(BEDROCK_CONSOLE))
        buttons = QHBoxLayout()
        buttons.addWidget(self.try_local_button)
        buttons.addWidget(self.connect_button)
        buttons.addWidget(self.console_button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 8)
        layout.addWidget(scroll, 1)
        layout.addLayout(buttons)

    def describe(self, offline: bool) -> None:
        """Offline: the first-run welcome. On AWS (opened from Help): the same steps, and a way back to the chat."""
        self.text.setText((INTRO_OFFLINE if offline else INTRO_ONLINE) + STEPS_HTML)
        label = "Try it on the local endpoint" if offline else "Back to the conversation"
        self.try_local_button.setText(label)
        self.try_local_button.setAccessibleName(label)
        self.try_local_button.setToolTip("Chat now with the built-in stand-in for Bedrock; nothing leaves this "
                                         "computer." if offline else "Hide this page and show the conversation.")


def show_welcome(host: WelcomeHost) -> WelcomePanel:
    """Puts the panel in the chat area in place of the (empty) conversation until the person starts chatting."""
    panel = host.chat_splitter.findChild(WelcomePanel)
    if panel is None:
        panel = WelcomePanel()
        host.chat_splitter.insertWidget(0, panel)
        host.chat_splitter.setStretchFactor(0, 5)

        def start_chatting() -> None:
            if not panel.isHidden():  # isHidden, not isVisible: a minimised window still switches
                panel.hide()
                host.chat.show()

        def try_local() -> None:
            start_chatting()
            if host.connection.offline and not host.prompt.toPlainText().strip():
                host.prompt.setPlainText(SAMPLE_PROMPT)
                host.prompt.selectAll()
            host.prompt.setFocus()

        def on_connected(connected: Connected) -> None:
            if not connected.settings.offline:  # on AWS now: the page no longer describes the situation
                start_chatting()

        panel.local_chosen.connect(try_local)
        panel.connect_chosen.connect(host.open_connection_dialog)
        host.connection_ctl.connected.connect(on_connected)
        # Sending anyway (button, Ctrl+Enter or the menu) means they chose the local endpoint; every way of
        # sending ends by emptying the prompt, so that is what is watched.
        typed = [host.prompt.toPlainText()]

        def on_prompt_changed() -> None:
            text = host.prompt.toPlainText()
            if typed[0].strip() and not text:
                start_chatting()
            typed[0] = text

        host.prompt.textChanged.connect(on_prompt_changed)
    panel.describe(host.connection.offline)
    host.chat.hide()
    panel.show()
    panel.try_local_button.setFocus()
    return panel
