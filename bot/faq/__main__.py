import sys

from bot.faq.cli import main

sys.exit(main())
