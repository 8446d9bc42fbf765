"""The Matrix front end (Tchap, or any homeserver): approval cards and notices in the crisis
room (``notifier``), and the bot that reads reactions, replies and ``!tocsin`` commands
(``bot``, ``handlers``, ``commands``), over a small client of the client-server API
(``client``)."""
