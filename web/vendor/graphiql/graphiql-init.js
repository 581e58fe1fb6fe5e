// Starts GraphiQL against this server's API; queries and mutations over
// HTTP, subscriptions over the WebSocket at /graphql/ws.
(function () {
  var wsProtocol = window.location.protocol === 'https:' ? 'wss:' : 'ws:';
  var fetcher = GraphiQL.createFetcher({
    url: '/graphql',
    subscriptionUrl: wsProtocol + '//' + window.location.host + '/graphql/ws',
  });
  var defaultQuery = [
    '# Sporbar: strategies, goals and their status over time.',
    '{',
    '  logHead { position hash }',
    '  strategies {',
    '    nodes {',
    '      title',
    '      period { start end }',
    '      attainment { goals score }',
    '    }',
    '  }',
    '}',
    '',
  ].join('\n');
  ReactDOM.createRoot(document.getElementById('graphiql')).render(
    React.createElement(GraphiQL, { fetcher: fetcher, defaultQuery: defaultQuery })
  );
})();
