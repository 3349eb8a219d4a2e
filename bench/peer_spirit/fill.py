"""Fill the Spirit peer with `topics` topics × `comments` comments in one category.

    DJANGO_SETTINGS_MODULE=peer_spirit.settings PYTHONPATH=bench \\
        bench/.venvs/spirit/bin/python -m peer_spirit.fill TOPICS COMMENTS

Bulk inserts, once: a second run finds the rows again. Texts are those of our
side (bench/peer_data.py: the same words, lengths and markers). Spirit's first
comment of a topic is its opening post, so a topic page shows `comments`
comments, of which the first is the topic's text. Prints, as JSON, the two
paths the bench measures and the text each must show.
"""

import json
import sys
from datetime import timedelta

import django

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.db import transaction  # noqa: E402
from django.utils import timezone  # noqa: E402
from spirit.category.models import Category  # noqa: E402
from spirit.comment.models import Comment  # noqa: E402
from spirit.topic.models import Topic  # noqa: E402

CATEGORY_TITLE = "Quartier du banc"
AUTHORS = 50


def post_text(number: int) -> str:
    return (
        f"Publication de banc numéro {number} : nous avons baissé le chauffage "
        "à 19 degrés ce mois-ci et la facture suit, essayez aussi."
    )


def comment_text(post_number: int, number: int) -> str:
    return (
        f"Commentaire {number} sur la publication {post_number} : bonne idée, "
        "nous faisons pareil depuis janvier."
    )


@transaction.atomic
def fill(topics: int, comments: int) -> dict:
    category = Category.objects.filter(title=CATEGORY_TITLE).first()
    if category is None:
        category = Category.objects.create(
            title=CATEGORY_TITLE, slug="quartier-du-banc"
        )
    existing = Topic.objects.filter(category=category).count()
    if existing not in (0, topics):
        sys.exit(f"the Spirit database holds {existing} topics, not {topics}")
    if existing == 0:
        user_model = get_user_model()
        authors = []
        for number in range(AUTHORS):
            # One by one: Spirit's post_save signal makes each user's profile.
            user = user_model(
                username=f"banc{number}", email=f"banc{number}@example.invalid"
            )
            user.set_unusable_password()
            user.save()
            authors.append(user)
        start = timezone.now() - timedelta(minutes=topics + 5)
        rows = [
            Topic(
                user=authors[number % AUTHORS],
                category=category,
                title=f"Sujet de banc numéro {number}",
                slug=f"sujet-de-banc-numero-{number}",
                date=start + timedelta(minutes=number),
                last_active=start + timedelta(minutes=number, seconds=comments),
                comment_count=comments,
            )
            for number in range(topics)
        ]
        Topic.objects.bulk_create(rows, batch_size=1000)

        def text(number: int, index: int) -> str:
            return post_text(number) if index == 0 else comment_text(number, index)

        Comment.objects.bulk_create(
            (
                Comment(
                    user=authors[(number + index) % AUTHORS],
                    topic=topic,
                    comment=text(number, index),
                    comment_html=f"<p>{text(number, index)}</p>",
                    date=topic.date + timedelta(seconds=index),
                )
                for number, topic in enumerate(rows)
                for index in range(comments)
            ),
            batch_size=5000,
        )
    by_number = {
        int(slug.rsplit("-", 1)[1]): (pk, slug)
        for pk, slug in Topic.objects.filter(category=category).values_list(
            "pk", "slug"
        )
    }
    middle = topics // 2
    pk, slug = by_number[middle]
    return {
        "list_path": category.get_absolute_url(),
        "list_marker": f"Sujet de banc numéro {topics - 1}",
        "topic_path": f"/topic/{pk}/{slug}/",
        # The last comment shown on the topic's first page.
        "topic_marker": comment_text(middle, comments - 1),
    }


if __name__ == "__main__":
    sys.stdout.write(json.dumps(fill(int(sys.argv[1]), int(sys.argv[2]))) + "\n")
