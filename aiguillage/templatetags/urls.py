"""`{% url %}` as Django writes it, with the links that take no argument worked out once per process.

The layout alone has some twenty of them (menu, footer, skip links) on every page, and each `reverse()` walks
the resolver and asks the active language three times: a fifth of the time of a small page such as the
answer to a submission. A name without arguments always gives the same path for the same URL configuration,
script prefix, language and current application, so the answer is kept under those four. A link with
arguments, or one that fails, goes through Django's own tag.

Installed as a template builtin (settings.TEMPLATES), after Django's: every template gets it unchanged.
"""

from functools import lru_cache

from django.conf import settings
from django.template import Context, Library, defaulttags
from django.template.base import Parser, Token
from django.urls import NoReverseMatch, get_script_prefix, get_urlconf, reverse
from django.utils.html import conditional_escape
from django.utils.translation import get_language

register = Library()


@lru_cache(maxsize=4096)
def _reversed(view_name: str, current_app: str | None, prefix: str, urlconf: str, language: str | None) -> str:
    # The three last arguments are read by reverse() itself: they are here as the key of the kept answer.
    return reverse(view_name, current_app=current_app)


class KeptURLNode(defaulttags.URLNode):
    def render(self, context: Context) -> str:
        if self.args or self.kwargs:
            return super().render(context)
        view_name = self.view_name.resolve(context)
        try:
            current_app = context.request.current_app
        except AttributeError:
            try:
                current_app = context.request.resolver_match.namespace
            except AttributeError:
                current_app = None
        urlconf = get_urlconf() or settings.ROOT_URLCONF
        try:
            url = _reversed(view_name, current_app, get_script_prefix(), urlconf, get_language())
        except (NoReverseMatch, TypeError):
            # Django's tag raises, or stays silent with `as var`, as it always has.
            return super().render(context)
        if self.asvar:
            context[self.asvar] = url
            return ""
        return conditional_escape(url) if context.autoescape else url


@register.tag
def url(parser: Parser, token: Token) -> KeptURLNode:
    node = defaulttags.url(parser, token)
    return KeptURLNode(node.view_name, node.args, node.kwargs, node.asvar)
