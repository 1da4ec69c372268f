#!/usr/bin/python3
"""Accept or reject every tracked change of DOCX files in LibreOffice, and save
each result as plain text: what Word's "Accept All" / "Reject All" would leave.

    /usr/bin/python3 lo_redlines.py accept IN.docx OUT.txt [reject IN2.docx OUT2.txt ...]

One headless soffice for all the jobs (started here on a private pipe and a
private profile, ended here). Needs Debian's python3-uno (comes with
libreoffice-writer-nogui); run with /usr/bin/python3, the interpreter uno is
built for. Exit 0 when every job was done, 1 otherwise.
"""
import os, signal, subprocess, sys, tempfile, time

import uno
from com.sun.star.beans import PropertyValue
from com.sun.star.connection import NoConnectException


def prop(name, value):
    p = PropertyValue()
    p.Name, p.Value = name, value
    return p


def main(argv):
    jobs = [argv[i:i + 3] for i in range(0, len(argv), 3)]
    if not jobs or any(len(j) != 3 or j[0] not in ("accept", "reject") for j in jobs):
        sys.exit(__doc__)
    for _, src, _ in jobs:
        if not os.path.isfile(src):
            sys.exit(f"no such file: {src}")
    profile = tempfile.mkdtemp(prefix="lo-profile-")
    desktop = None
    pipe = f"letterpress{os.getpid()}"
    office = subprocess.Popen(
        ["soffice", "--headless", "--invisible", "--norestore", "--nologo",
         "--nodefault", f"-env:UserInstallation=file://{profile}",
         f"--accept=pipe,name={pipe};urp;StarOffice.ComponentContext"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        # Its own process group: `soffice` is a script that starts
        # soffice.bin, which a kill of the script alone would leave running.
        start_new_session=True)
    try:
        local = uno.getComponentContext()
        resolver = local.ServiceManager.createInstanceWithContext(
            "com.sun.star.bridge.UnoUrlResolver", local)
        # Waits for soffice to listen (an event: the pipe accepting), up to 60 s.
        deadline = time.monotonic() + 60
        while True:
            try:
                ctx = resolver.resolve(
                    f"uno:pipe,name={pipe};urp;StarOffice.ComponentContext")
                break
            except NoConnectException:
                if office.poll() is not None or time.monotonic() > deadline:
                    sys.exit("soffice did not start")
                time.sleep(0.1)
        smgr = ctx.ServiceManager
        desktop = smgr.createInstanceWithContext("com.sun.star.frame.Desktop", ctx)
        dispatcher = smgr.createInstanceWithContext(
            "com.sun.star.frame.DispatchHelper", ctx)
        for mode, src, dst in jobs:
            url = uno.systemPathToFileUrl(os.path.abspath(src))
            doc = desktop.loadComponentFromURL(url, "_blank", 0, (prop("Hidden", True),))
            if doc is None:
                sys.exit(f"cannot open {src}")
            changes = doc.getRedlines().getCount()
            command = ".uno:AcceptAllTrackedChanges" if mode == "accept" else ".uno:RejectAllTrackedChanges"
            dispatcher.executeDispatch(doc.getCurrentController().getFrame(), command, "", 0, ())
            left = doc.getRedlines().getCount()
            doc.storeToURL(uno.systemPathToFileUrl(os.path.abspath(dst)),
                           (prop("FilterName", "Text (encoded)"),
                            prop("FilterOptions", "UTF8,LF,,,")))
            doc.close(True)
            print(f"{mode} {src}: {changes} tracked changes, {left} left -> {dst}")
            if left != 0:
                sys.exit(f"{mode}: {left} tracked changes left in {src}")
    finally:
        try:
            if desktop is not None:
                desktop.terminate()
        except Exception:
            pass  # soffice already gone: the wait below returns at once
        try:
            office.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(office.pid, signal.SIGKILL)
            office.wait()
        subprocess.run(["rm", "-rf", profile])


if __name__ == "__main__":
    main(sys.argv[1:])
