"""The conversation engine (`engine.ConversationService`): one behaviour on every channel, assembled from
one flow per module (answers, volunteers) on a base with the menu, the notice and consent."""
