"""Delivery of the day's (or week's) papers where the reader is: the shared "what to tell" model (tell.py), what
each channel has delivered (core/sent.py, data/delivered.json), chat and push channels through Apprise (chat.py), and
the schedule and catch-up that decide what each channel is due (due.py). The email itself is digest/mail.py."""
