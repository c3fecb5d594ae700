from django.db import models


class PeerUser(models.Model):  # type: ignore[misc]
    email = models.EmailField(max_length=254, unique=True)
    name = models.CharField(max_length=256)
    password = models.CharField(max_length=1024)
    force_change_password = models.BooleanField()

    class Meta:
        app_label = "peer"
