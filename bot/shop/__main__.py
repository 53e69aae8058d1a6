import sys

from bot.shop.cli import main

sys.exit(main())
