// Field numbers of the Kubernetes protobuf messages decoded by protobuf.ts (the numbers of the
// k8s.io/api and apimachinery generated.proto files): the kinds kubectl's create commands and
// client-go's leader election send, and the access reviews of `kubectl auth can-i`.
// A spec is `name[:type]`: string by default; `int`, `bool`, `bytes`, `time`, `microTime`,
// `quantity`, `intstr`, or a message name; `[]` repeats, `map` / `map<type>` is a map keyed by
// string, and `*` marks a pointer field whose zero is a value.

export const MESSAGES: Record<string, Record<number, string>> = {
  ObjectMeta: {
    1: 'name',
    2: 'generateName',
    3: 'namespace',
    5: 'uid',
    6: 'resourceVersion',
    7: 'generation:int',
    8: 'creationTimestamp:time',
    9: 'deletionTimestamp:time',
    10: 'deletionGracePeriodSeconds:int*',
    11: 'labels:map',
    12: 'annotations:map',
    13: 'ownerReferences:[]OwnerReference',
    14: 'finalizers:[]string',
  },
  OwnerReference: {
    1: 'kind',
    3: 'name',
    4: 'uid',
    5: 'apiVersion',
    6: 'controller:bool*',
    7: 'blockOwnerDeletion:bool*',
  },
  LabelSelector: { 1: 'matchLabels:map', 2: 'matchExpressions:[]LabelSelectorRequirement' },
  LabelSelectorRequirement: { 1: 'key', 2: 'operator', 3: 'values:[]string' },

  // core/v1
  Namespace: { 1: 'metadata:ObjectMeta', 2: 'spec:NamespaceSpec' },
  NamespaceSpec: { 1: 'finalizers:[]string' },
  ConfigMap: { 1: 'metadata:ObjectMeta', 2: 'data:map', 3: 'binaryData:map<bytes>', 4: 'immutable:bool*' },
  Secret: {
    1: 'metadata:ObjectMeta',
    2: 'data:map<bytes>',
    3: 'type',
    4: 'stringData:map',
    5: 'immutable:bool*',
  },
  ServiceAccount: { 1: 'metadata:ObjectMeta', 4: 'automountServiceAccountToken:bool*' },
  Service: { 1: 'metadata:ObjectMeta', 2: 'spec:ServiceSpec' },
  ServiceSpec: {
    1: 'ports:[]ServicePort',
    2: 'selector:map',
    3: 'clusterIP',
    4: 'type',
    5: 'externalIPs:[]string',
    7: 'sessionAffinity',
    10: 'externalName',
  },
  ServicePort: {
    1: 'name',
    2: 'protocol',
    3: 'port:int',
    4: 'targetPort:intstr',
    5: 'nodePort:int',
    6: 'appProtocol',
  },
  PodTemplateSpec: { 1: 'metadata:ObjectMeta', 2: 'spec:PodSpec' },
  PodSpec: {
    2: 'containers:[]Container',
    3: 'restartPolicy',
    4: 'terminationGracePeriodSeconds:int*',
    6: 'dnsPolicy',
    7: 'nodeSelector:map',
    8: 'serviceAccountName',
    10: 'nodeName',
    19: 'schedulerName',
    20: 'initContainers:[]Container',
    24: 'priorityClassName',
  },
  Container: {
    1: 'name',
    2: 'image',
    3: 'command:[]string',
    4: 'args:[]string',
    5: 'workingDir',
    6: 'ports:[]ContainerPort',
    7: 'env:[]EnvVar',
    8: 'resources:ResourceRequirements',
    13: 'terminationMessagePath',
    14: 'imagePullPolicy',
    20: 'terminationMessagePolicy',
    23: 'resizePolicy:[]ContainerResizePolicy',
  },
  ContainerPort: { 1: 'name', 2: 'hostPort:int', 3: 'containerPort:int', 4: 'protocol', 5: 'hostIP' },
  EnvVar: { 1: 'name', 2: 'value' },
  ResourceRequirements: { 1: 'limits:map<quantity>', 2: 'requests:map<quantity>' },
  ContainerResizePolicy: { 1: 'resourceName', 2: 'restartPolicy' },

  // apps/v1
  Deployment: { 1: 'metadata:ObjectMeta', 2: 'spec:DeploymentSpec' },
  DeploymentSpec: {
    1: 'replicas:int*',
    2: 'selector:LabelSelector',
    3: 'template:PodTemplateSpec',
    4: 'strategy:DeploymentStrategy',
    5: 'minReadySeconds:int',
    6: 'revisionHistoryLimit:int*',
    7: 'paused:bool',
    9: 'progressDeadlineSeconds:int*',
  },
  DeploymentStrategy: { 1: 'type', 2: 'rollingUpdate:RollingUpdateDeployment' },
  RollingUpdateDeployment: { 1: 'maxUnavailable:intstr', 2: 'maxSurge:intstr' },

  // rbac.authorization.k8s.io/v1
  Role: { 1: 'metadata:ObjectMeta', 2: 'rules:[]PolicyRule' },
  ClusterRole: { 1: 'metadata:ObjectMeta', 2: 'rules:[]PolicyRule' },
  PolicyRule: {
    1: 'verbs:[]string',
    2: 'apiGroups:[]string',
    3: 'resources:[]string',
    4: 'resourceNames:[]string',
    5: 'nonResourceURLs:[]string',
  },
  RoleBinding: { 1: 'metadata:ObjectMeta', 2: 'subjects:[]Subject', 3: 'roleRef:RoleRef' },
  Subject: { 1: 'kind', 2: 'apiGroup', 3: 'name', 4: 'namespace' },
  RoleRef: { 1: 'apiGroup', 2: 'kind', 3: 'name' },

  // scheduling.k8s.io/v1, policy/v1
  PriorityClass: {
    1: 'metadata:ObjectMeta',
    2: 'value:int',
    3: 'globalDefault:bool',
    4: 'description',
    5: 'preemptionPolicy',
  },
  PodDisruptionBudget: { 1: 'metadata:ObjectMeta', 2: 'spec:PodDisruptionBudgetSpec' },
  PodDisruptionBudgetSpec: {
    1: 'minAvailable:intstr',
    2: 'selector:LabelSelector',
    3: 'maxUnavailable:intstr',
    4: 'unhealthyPodEvictionPolicy',
  },

  // coordination.k8s.io/v1 (client-go leader election)
  Lease: { 1: 'metadata:ObjectMeta', 2: 'spec:LeaseSpec' },
  LeaseSpec: {
    1: 'holderIdentity:string*',
    2: 'leaseDurationSeconds:int*',
    3: 'acquireTime:microTime',
    4: 'renewTime:microTime',
    5: 'leaseTransitions:int*',
    6: 'strategy',
    7: 'preferredHolder',
  },

  // authorization.k8s.io/v1 (kubectl auth can-i)
  SubjectAccessReview: { 1: 'metadata:ObjectMeta', 2: 'spec:SubjectAccessReviewSpec' },
  SubjectAccessReviewSpec: {
    1: 'resourceAttributes:ResourceAttributes',
    2: 'nonResourceAttributes:NonResourceAttributes',
    3: 'user',
    4: 'groups:[]string',
    6: 'uid',
  },
  ResourceAttributes: {
    1: 'namespace',
    2: 'verb',
    3: 'group',
    4: 'version',
    5: 'resource',
    6: 'subresource',
    7: 'name',
  },
  NonResourceAttributes: { 1: 'path', 2: 'verb' },
};

/** apiVersion/kind → the message of the object. */
export const TOP_LEVEL: Record<string, string> = {
  'v1/Namespace': 'Namespace',
  'v1/ConfigMap': 'ConfigMap',
  'v1/Secret': 'Secret',
  'v1/ServiceAccount': 'ServiceAccount',
  'v1/Service': 'Service',
  'apps/v1/Deployment': 'Deployment',
  'rbac.authorization.k8s.io/v1/Role': 'Role',
  'rbac.authorization.k8s.io/v1/ClusterRole': 'ClusterRole',
  'rbac.authorization.k8s.io/v1/RoleBinding': 'RoleBinding',
  'rbac.authorization.k8s.io/v1/ClusterRoleBinding': 'RoleBinding',
  'scheduling.k8s.io/v1/PriorityClass': 'PriorityClass',
  'policy/v1/PodDisruptionBudget': 'PodDisruptionBudget',
  'coordination.k8s.io/v1/Lease': 'Lease',
  'authorization.k8s.io/v1/SubjectAccessReview': 'SubjectAccessReview',
  'authorization.k8s.io/v1/LocalSubjectAccessReview': 'SubjectAccessReview',
  // SelfSubjectAccessReviewSpec shares the first two fields (no user, groups).
  'authorization.k8s.io/v1/SelfSubjectAccessReview': 'SubjectAccessReview',
};
