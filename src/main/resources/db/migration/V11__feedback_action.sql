-- Rating an answer is authorized like every other call now (quarry:PutFeedback on experiment/*):
-- the built-in ModelAccess policy grants it to users, unless an admin has already rewritten it.
UPDATE policies SET document =
    '{"Version":"2012-10-17","Statement":[{"Sid":"InvokeModels","Effect":"Allow","Action":["quarry:InvokeModel","quarry:InvokeModelWithResponseStream","quarry:Embed","quarry:CountTokens"],"Resource":"model/*"},{"Sid":"ListModels","Effect":"Allow","Action":"quarry:ListModels","Resource":"*"},{"Sid":"RateAnswers","Effect":"Allow","Action":"quarry:PutFeedback","Resource":"experiment/*"}]}'
WHERE name = 'ModelAccess'
  AND document = '{"Version":"2012-10-17","Statement":[{"Sid":"InvokeModels","Effect":"Allow","Action":["quarry:InvokeModel","quarry:InvokeModelWithResponseStream","quarry:Embed","quarry:CountTokens"],"Resource":"model/*"},{"Sid":"ListModels","Effect":"Allow","Action":"quarry:ListModels","Resource":"*"}]}';
