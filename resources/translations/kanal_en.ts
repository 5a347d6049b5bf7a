<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="en" sourcelanguage="en">
<context>
    <name>ComposerWidget</name>
    <message numerus="yes">
        <location filename="../../desktop_app/ui/composer.py" line="+936"/>
        <source>⚠ %n image(s) lack alt text. Describe every image; publishing will require it.</source>
        <translation>
            <numerusform>⚠ %n image lacks alt text. Describe every image; publishing will require it.</numerusform>
            <numerusform>⚠ %n images lack alt text. Describe every image; publishing will require it.</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>ConversationPane</name>
    <message numerus="yes">
        <location filename="../../desktop_app/ui/inbox/conversation.py" line="+225"/>
        <source>%n remote image(s) not loaded, to protect your privacy.</source>
        <translation>
            <numerusform>%n remote image not loaded, to protect your privacy.</numerusform>
            <numerusform>%n remote images not loaded, to protect your privacy.</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>DraftsView</name>
    <message numerus="yes">
        <location filename="../../desktop_app/ui/drafts_view.py" line="+441"/>
        <source>%n draft(s) in the trash</source>
        <translation>
            <numerusform>%n draft in the trash</numerusform>
            <numerusform>%n drafts in the trash</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location line="+2"/>
        <source>%n draft(s)</source>
        <translation>
            <numerusform>%n draft</numerusform>
            <numerusform>%n drafts</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>InboxNotifier</name>
    <message numerus="yes">
        <location filename="../../desktop_app/ui/inbox/notifications.py" line="+74"/>
        <source>Kanal: %n unread</source>
        <translation>
            <numerusform>Kanal: %n unread</numerusform>
            <numerusform>Kanal: %n unread</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location line="+25"/>
        <source>%n new item(s) in the inbox</source>
        <translation>
            <numerusform>%n new item in the inbox</numerusform>
            <numerusform>%n new items in the inbox</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message numerus="yes">
        <location filename="../../desktop_app/ui/main_window.py" line="+246"/>
        <source>Sending queue: %n</source>
        <translation>
            <numerusform>Sending queue: %n</numerusform>
            <numerusform>Sending queue: %n</numerusform>
        </translation>
    </message>
</context>
</TS>
