import sys, itertools
# usage: combos.py v k r GROUP F maxparts -> lines "H1,H2,.. F"
v,k,r=map(int,sys.argv[1:4]); G=sys.argv[4]; Fmax=int(sys.argv[5])
sizes={'A5':{'1':60,'Z2':30,'Z3':20,'V4':15,'Z5':12,'S3':10,'D5':6,'A4':5},
       'L27':{'1':168,'Z2':84,'Z3':56,'Z4':42,'S3':28,'Z7':24,'F21':8},
       'AGL15':{'1':20,'Z2':10,'Z4':5},
       'AGL17':{'1':42,'Z2':21,'Z3':14,'Z6':7},
       'S5':{'1':120,'Z2a':60,'Z2b':60,'Z3':40,'Z4':30,'V4':30,'S3':20,'Z5':24,'Z6':20,'D4':15,'D5':12,'A4':10,'F20':6,'S4':5},
       'D20':{'1':40,'R':20,'R1':20,'Z2':20,'Z4':10,'Z5':8,'Z10':4,'Z20':2}}[G]
names=sorted(sizes,key=lambda h:-sizes[h])
out=[]
def rec(i,rem,cur):
    if rem==0: out.append(list(cur)); return
    if i==len(names): return
    h=names[i]; s=sizes[h]
    for m in range(rem//s,-1,-1):
        rec(i+1,rem-m*s,cur+[h]*m)
for F in range(Fmax+1):
    out=[]; rec(0,v-F,[])
    for c in out: print(','.join(c),F)
