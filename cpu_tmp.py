import time, statistics
import django
django.setup()
from django.test.utils import override_settings
from django.conf import settings as S
override_settings(STORAGES={**S.STORAGES, "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}).enable()
from django.test import Client
c = Client(HTTP_ACCEPT_ENCODING="gzip")
url = "/financements/?commune=58149&beneficiaire=association"
for _ in range(20): c.get(url); c.get("/sante/")
a=[];b=[]
for _ in range(200):
    t=time.process_time(); c.get(url); a.append((time.process_time()-t)*1000)
    t=time.process_time(); c.get("/sante/"); b.append((time.process_time()-t)*1000)
print("CPU search median %.2f p95 %.2f; sante median %.2f p95 %.2f" % (statistics.median(a), sorted(a)[189], statistics.median(b), sorted(b)[189]))
import cProfile, pstats
pr=cProfile.Profile(); pr.enable()
for _ in range(100): c.get(url)
pr.disable(); st=pstats.Stats(pr); st.sort_stats("cumulative").print_stats(60)
