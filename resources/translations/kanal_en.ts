<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="en" sourcelanguage="en">
<context>
    <name>CalendarView</name>
    <message numerus="yes">
        <location filename="../../desktop_app/ui/calendar_view.py" line="+310"/>
        <source>%n post(s) in this period</source>
        <translation type="unfinished">
            <numerusform></numerusform>
            <numerusform></numerusform>
        </translation>
    </message>
</context>
<context>
    <name>ComposerWidget</name>
    <message numerus="yes">
        <location filename="../../desktop_app/ui/composer.py" line="+1150"/>
        <source>⚠ %n image(s) lack alt text. Describe every image; publishing will require it.</source>
        <translation>
            <numerusform>⚠ %n image lacks alt text. Describe every image; publishing will require it.</numerusform>
            <numerusform>⚠ %n images lack alt text. Describe every image; publishing will require it.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location line="+112"/>
        <source>Scheduled for %n account(s); see Scheduled.</source>
        <translation>
            <numerusform>Scheduled for %n account; see Scheduled.</numerusform>
            <numerusform>Scheduled for %n accounts; see Scheduled.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location line="+2"/>
        <source>Sent to the sending queue for %n account(s).</source>
        <translation>
            <numerusform>Sent to the sending queue for %n account.</numerusform>
            <numerusform>Sent to the sending queue for %n accounts.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location line="+5"/>
        <source>%n account(s) already had it and were skipped.</source>
        <translation>
            <numerusform>%n account already had it and was skipped.</numerusform>
            <numerusform>%n accounts already had it and were skipped.</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>ConversationPane</name>
    <message numerus="yes">
        <location filename="../../desktop_app/ui/inbox/conversation.py" line="+368"/>
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
        <location filename="../../desktop_app/ui/drafts_view.py" line="+355"/>
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
    <name>HistoryView</name>
    <message numerus="yes">
        <location filename="../../desktop_app/ui/history_view.py" line="+469"/>
        <source>Exported %n publication(s) to {file}.</source>
        <translation>
            <numerusform>Exported %n publication to {file}.</numerusform>
            <numerusform>Exported %n publications to {file}.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location line="+44"/>
        <source>Sending again to %n account(s).</source>
        <translation>
            <numerusform>Sending again to %n account.</numerusform>
            <numerusform>Sending again to %n accounts.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location line="+55"/>
        <source>&amp;Retry the failed (%n)</source>
        <translation>
            <numerusform>&amp;Retry the failed one (%n)</numerusform>
            <numerusform>&amp;Retry the failed (%n)</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location line="+21"/>
        <source>%n publication(s)</source>
        <translation>
            <numerusform>%n publication</numerusform>
            <numerusform>%n publications</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>InboxNotifier</name>
    <message numerus="yes">
        <location filename="../../desktop_app/ui/inbox/notifications.py" line="+79"/>
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
        <location filename="../../desktop_app/ui/main_window.py" line="+349"/>
        <source>%1, %n not published</source>
        <translation type="unfinished">
            <numerusform></numerusform>
            <numerusform></numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location line="+72"/>
        <source>Sending queue: %n</source>
        <translation>
            <numerusform>Sending queue: %n</numerusform>
            <numerusform>Sending queue: %n</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location line="+26"/>
        <source>%n draft(s) wait for review.</source>
        <translation>
            <numerusform>%n draft waits for review.</numerusform>
            <numerusform>%n drafts wait for review.</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>RefusalBanner</name>
    <message numerus="yes">
        <location filename="../../desktop_app/ui/refusal_banner.py" line="+122"/>
        <source>(%n more in Sent)</source>
        <translation type="unfinished">
            <numerusform></numerusform>
            <numerusform></numerusform>
        </translation>
    </message>
</context>
<context>
    <name>ScheduledView</name>
    <message numerus="yes">
        <location filename="../../desktop_app/ui/scheduled_view.py" line="+227"/>
        <source>%n scheduled post(s)</source>
        <translation>
            <numerusform>%n scheduled post</numerusform>
            <numerusform>%n scheduled posts</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>SettingsView</name>
    <message numerus="yes">
        <location filename="../../desktop_app/ui/settings_view.py" line="+60"/>
        <source>Every %n minute(s)</source>
        <translation type="unfinished">
            <numerusform></numerusform>
            <numerusform></numerusform>
        </translation>
    </message>
</context>
</TS>
