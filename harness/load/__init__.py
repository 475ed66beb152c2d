"""The classroom load harness: students who speak the protocol or use Chromium, a lesson, the server's memory."""
