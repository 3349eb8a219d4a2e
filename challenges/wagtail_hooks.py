from wagtail.snippets.models import register_snippet

from challenges.models import Reward, Shop

register_snippet(Shop)
register_snippet(Reward)
