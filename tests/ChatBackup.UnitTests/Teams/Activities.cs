using System.Text.Json.Nodes;

namespace ChatBackup.UnitTests.Teams;

/// <summary>Activities shaped like the ones Teams sends.</summary>
public static class Activities
{
    public const string ConversationId = "19:abc@thread.tacv2;messageid=1700000000000";
    public const string TenantId = "72f988bf-86f1-41af-91ab-2d7cd011db47";
    public const string TeamGroupId = "0f1e2d3c-4b5a-4968-8776-a5b4c3d2e1f0";
    public const string UserAadId = "6f2e8e4a-1111-4a4a-9c9c-000000000001";
    public const string BotId = "28:" + TeamsTestApp.AppId;

    public static JsonObject Message(string serviceUrl, string text, string id = "1700000000001", string channelId = "msteams") => new()
    {
        ["type"] = "message",
        ["id"] = id,
        ["timestamp"] = "2026-01-02T03:04:05.000Z",
        ["serviceUrl"] = serviceUrl,
        ["channelId"] = channelId,
        ["from"] = new JsonObject { ["id"] = "29:1user", ["name"] = "Ada Lovelace", ["aadObjectId"] = UserAadId },
        ["recipient"] = new JsonObject { ["id"] = BotId, ["name"] = "ChatBackup" },
        ["conversation"] = new JsonObject { ["id"] = ConversationId, ["conversationType"] = "channel", ["isGroup"] = true, ["tenantId"] = TenantId },
        ["text"] = text,
        ["textFormat"] = "plain",
        ["channelData"] = new JsonObject
        {
            ["tenant"] = new JsonObject { ["id"] = TenantId },
            ["team"] = new JsonObject { ["id"] = "19:team@thread.tacv2", ["name"] = "Ops", ["aadGroupId"] = TeamGroupId },
            ["channel"] = new JsonObject { ["id"] = "19:abc@thread.tacv2", ["name"] = "General" },
        },
    };

    public static JsonObject Execute(string serviceUrl, string verb, string? operationId, string replyToId = "activity-card", string id = "f:invoke-1")
    {
        var activity = Message(serviceUrl, "", id);
        activity.Remove("text");
        activity["type"] = "invoke";
        activity["name"] = "adaptiveCard/action";
        activity["replyToId"] = replyToId;
        var data = new JsonObject();
        if (operationId is not null)
        {
            data["operationId"] = operationId;
        }

        activity["value"] = new JsonObject
        {
            ["action"] = new JsonObject { ["type"] = "Action.Execute", ["verb"] = verb, ["data"] = data },
            ["trigger"] = "manual",
        };
        return activity;
    }

    public static JsonObject BotAdded(string serviceUrl, string type = "conversationUpdate")
    {
        var activity = Message(serviceUrl, "", "f:added-1");
        activity.Remove("text");
        activity["type"] = type;
        if (type == "conversationUpdate")
        {
            activity["membersAdded"] = new JsonArray(new JsonObject { ["id"] = BotId });
        }
        else
        {
            activity["action"] = "add";
        }

        return activity;
    }
}
